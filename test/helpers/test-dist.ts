/**
 * Vitest globalSetup: src/ transpiled once per run into .test-dist/ (JavaScript, the same layout
 * as the package's dist/), so the CLI processes the tests spawn (runCli) start without tsx's
 * loader, which is about 0.85 s of CPU in each of them (docs/architecture.md "Packaging"). Only
 * files changed since the last run are transpiled again, and files whose source is gone are removed.
 *
 * The paths a clone runs still run in tests: test/package/fast-start.test.ts and
 * lazy-imports.test.ts spawn bin/loadgate.js (tsx), test/package/install.test.ts the packaged
 * dist/. Types are not checked here: `npm test` runs `tsc --noEmit` first.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './cli.ts';

/** Directly under the repo root, as dist/ is: src's `../package.json` and `../../bin` resolve alike. */
export const TEST_DIST = join(REPO_ROOT, '.test-dist');
const SRC = join(REPO_ROOT, 'src');

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // ESM, as package.json's "type" says: transpileModule sees no package.json to tell it.
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
  sourceMap: false,
};

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function outputOf(source: string): string {
  return join(TEST_DIST, relative(SRC, source)).replace(/\.(m?)ts$/, '.$1js');
}

/** Transpiles what changed; returns how many files were written. */
export function buildTestDist(): number {
  const sources = sourcesUnder(SRC);
  const wanted = new Set(sources.map(outputOf));
  let written = 0;
  for (const source of sources) {
    const out = outputOf(source);
    const outMs = statSync(out, { throwIfNoEntry: false })?.mtimeMs;
    if (outMs !== undefined && outMs >= statSync(source).mtimeMs) continue;
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: OPTIONS, fileName: source });
    mkdirSync(dirname(out), { recursive: true });
    // Two runs at once in one worktree must never see half a file.
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, outputText);
    renameSync(temp, out);
    written += 1;
  }
  for (const entry of readdirSync(TEST_DIST, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !wanted.has(path) && !path.endsWith('.tmp')) rmSync(path, { force: true });
  }
  return written;
}

export default function setup(): void {
  buildTestDist();
  process.env.LOADGATE_TEST_DIST = TEST_DIST;
}
