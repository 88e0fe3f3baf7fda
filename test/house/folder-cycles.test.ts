/**
 * The folders of src/ form no cycle (docs/architecture.md "Folders"): data flows one way through
 * the stages, and the shared vocabulary (src/core/) sits below all of them. The check reads the
 * real import graph; the synthetic cases prove that it can see a cycle at all.
 */
import { describe, expect, it } from 'vitest';
import { cyclesOf, describeCycle, readSources, srcDirOf, unitGraph } from '../helpers/import-graph.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

describe('the folder graph of src/', () => {
  const graph = unitGraph(readSources(srcDirOf(REPO_ROOT)));

  it('has no cycle between folders (or top-level files)', () => {
    const cycles = cyclesOf(graph);
    expect(cycles.map((c) => describeCycle(graph, c)), 'import cycles between src/ folders').toEqual([]);
  });

  it('is the real graph: the pipeline reaches the stages, and core/ imports no stage', () => {
    expect([...(graph.get('pipeline.ts')?.keys() ?? [])]).toEqual(expect.arrayContaining(['schedule', 'load', 'record', 'result', 'throttle', 'gates', 'report']));
    // api/ holds the API flavours (docs/api-flavours.md): vocabulary too, and it imports nothing of src/.
    const coreImports = [...(graph.get('core')?.keys() ?? [])];
    expect(coreImports.filter((u) => !['errors.ts', 'validate.ts', 'routing', 'api'].includes(u))).toEqual([]);
  });
});

describe('the cycle check', () => {
  it('finds a two-folder cycle, through `import type` and `export ... from` too', () => {
    const graph = unitGraph(new Map([
      ['gates/evaluate.ts', "import type { Row } from '../report/format.ts';\n"],
      ['report/format.ts', "export { evaluate } from '../gates/evaluate.ts';\n"],
    ]));
    expect(cyclesOf(graph)).toEqual([['gates', 'report']]);
    expect(describeCycle(graph, ['gates', 'report'])).toContain('gates/evaluate.ts -> report/format.ts');
  });

  it('finds a longer cycle through a top-level file, and none inside one folder', () => {
    const graph = unitGraph(new Map([
      ['pipeline.ts', "import { a } from './load/a.ts';\n"],
      ['load/a.ts', "import { b } from './b.ts';\nimport { c } from '../cli/c.ts';\n"],
      ['load/b.ts', "import { a } from './a.ts';\n"],
      ['cli/c.ts', "const p = await import('../pipeline.ts');\n"],
    ]));
    expect(cyclesOf(graph)).toEqual([['cli', 'load', 'pipeline.ts']]);
  });

  it('does not count packages or imports that point outside src/', () => {
    const graph = unitGraph(new Map([
      ['load/a.ts', "import { request } from 'undici';\nimport { x } from '../../test/x.ts';\n"],
    ]));
    expect(graph.size).toBe(0);
  });
});
