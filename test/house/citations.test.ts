/**
 * Every document a comment in src/ cites is in the repository (docs/architecture.md, "Where to
 * change X": the map must be followable from a fresh clone). A cited `docs/x.md "Heading"` or
 * `docs/x.md §N` must name a heading of that document. The synthetic cases prove the check can fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { readSources, srcDirOf } from '../helpers/import-graph.ts';
import { reportFileNames } from '../../src/report/render.ts';

/** The text of every comment in a TypeScript source, with comment markers and line breaks flattened. */
function commentsOf(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const out: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
      out.push(scanner.getTokenText().replace(/^\s*(\/\*\*?|\*\/|\*|\/\/)/gm, ' ').replace(/\*\/\s*$/, ' ').replace(/\s+/g, ' '));
    }
  }
  return out;
}

/** Files loadgate writes (summary.md): a comment naming one is not citing a document. */
const WRITTEN_FILES = new Set<string>(Object.values(reportFileNames));

const DOC_PATH = /(?<![\w/.-])((?:[\w.-]+\/)*[\w-]+\.md)\b/g;
const SECTION = /^,? ?(?:"([^"]+)"|((?:§\d+(?:, )?)+))/;

function headingsOf(docText: string): string[] {
  return docText.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, '').trim());
}

function sectionExists(headings: readonly string[], quoted: string | undefined, numbered: string | undefined): boolean {
  if (quoted !== undefined) return headings.some((h) => h.toLowerCase().startsWith(quoted.toLowerCase()));
  return [...(numbered ?? '').matchAll(/§(\d+)/g)].every(([, n]) => headings.some((h) => h.startsWith(`§${n} `) || h.startsWith(`${n}. `)));
}

/** Every broken citation in `sources` (path -> text), as `file: citation (why)`. */
function brokenCitations(sources: ReadonlyMap<string, string>, exists: (path: string) => string | undefined): string[] {
  const broken: string[] = [];
  for (const [file, text] of sources) {
    for (const comment of commentsOf(text)) {
      for (const m of comment.matchAll(DOC_PATH)) {
        const path = m[1];
        if (WRITTEN_FILES.has(path)) continue;
        const doc = exists(path);
        if (doc === undefined) {
          broken.push(`${file}: ${path} (no such file in the repository)`);
          continue;
        }
        const section = SECTION.exec(comment.slice(m.index + path.length));
        if (section && !sectionExists(headingsOf(doc), section[1], section[2])) broken.push(`${file}: ${path} ${section[0].replace(/^,? ?/, '')} (no such heading)`);
      }
      for (const m of comment.matchAll(/(?<![\w/.-])shared\/[\w./-]+/g)) broken.push(`${file}: ${m[0]} (a path outside the repository)`);
    }
  }
  return broken;
}

function repoFile(path: string): string | undefined {
  const full = join(REPO_ROOT, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

describe('citations in src/ comments', () => {
  it('name documents of the repository, and headings they have', () => {
    expect(brokenCitations(readSources(srcDirOf(REPO_ROOT)), repoFile)).toEqual([]);
  });
});

describe('the citation check', () => {
  const docs = new Map([['docs/a.md', '# A\n## Agreement\ntext\n## §2 What the gateway answers\n## 3. Searching\n']]);
  const lookup = (path: string) => docs.get(path);
  const check = (text: string) => brokenCitations(new Map([['x.ts', text]]), lookup);

  it('refuses a document that is not in the repository', () => {
    expect(check('/** As design.md "Agreement" says. */\nconst a = 1;')).toEqual(['x.ts: design.md (no such file in the repository)']);
    expect(check('// see aws-facts.md section 2\n')).toEqual(['x.ts: aws-facts.md (no such file in the repository)']);
    expect(check('/* shared/design.md */')).toEqual(['x.ts: shared/design.md (no such file in the repository)', 'x.ts: shared/design.md (a path outside the repository)']);
  });

  it('refuses a heading or a section number that the document does not have', () => {
    expect(check('/** docs/a.md "Agreement" */')).toEqual([]);
    expect(check('/**\n * docs/a.md\n * "Agreement", refined\n */')).toEqual([]);
    expect(check('/** docs/a.md §2, §3 */')).toEqual([]);
    expect(check('/** docs/a.md "Pacing" */')).toEqual(['x.ts: docs/a.md "Pacing" (no such heading)']);
    expect(check('/** docs/a.md §4 */')).toEqual(['x.ts: docs/a.md §4 (no such heading)']);
  });

  it('reads comments only, and lets a comment name a file loadgate writes', () => {
    expect(check("const file = 'design.md'; // writes summary.md beside result.json\n")).toEqual([]);
  });
});
