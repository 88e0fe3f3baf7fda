/**
 * The import graph of src/, read with the TypeScript compiler's own pre-processor (every static
 * import, `import type`, `export ... from` and import() of a literal), folded to units: a folder
 * directly under src/ is one unit (src/load/ -> "load"), a file directly under src/ is its own
 * (src/pipeline.ts -> "pipeline.ts"). docs/architecture.md "Folders" says why the units must
 * form no cycle.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import that crosses units: the file that imports and the file it names (src-relative). */
export interface CrossImport {
  readonly from: string;
  readonly to: string;
}

/** unit -> unit -> the imports that make that arrow. */
export type UnitGraph = Map<string, Map<string, CrossImport[]>>;

/** `load/run-load.ts` -> `load`; `pipeline.ts` -> `pipeline.ts`. */
export function unitOf(srcRelative: string): string {
  return srcRelative.split('/')[0];
}

/** Every .ts file under `dir`, src-relative with forward slashes, mapped to its text. */
export function readSources(srcDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(m?ts)$/.test(entry.name)) out.set(relative(srcDir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(srcDir);
  return out;
}

/** The unit graph of a set of sources (src-relative path -> text); imports outside the set are ignored. */
export function unitGraph(sources: ReadonlyMap<string, string>): UnitGraph {
  const graph: UnitGraph = new Map();
  for (const [file, text] of sources) {
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const spec = imported.fileName;
      if (!spec.startsWith('.')) continue; // a package, not a unit of ours
      const target = resolve('/', dirname(file), spec).slice(1).replace(/\.js$/, '.ts');
      if (!sources.has(target)) continue;
      const [a, b] = [unitOf(file), unitOf(target)];
      if (a === b) continue;
      const arrows = graph.get(a) ?? new Map<string, CrossImport[]>();
      graph.set(a, arrows);
      const list = arrows.get(b) ?? [];
      arrows.set(b, list);
      list.push({ from: file, to: target });
    }
  }
  return graph;
}

/** The strongly connected components of more than one unit (Tarjan): each is a cycle. */
export function cyclesOf(graph: UnitGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** A cycle as the imports that make it, one line each, for a failure message. */
export function describeCycle(graph: UnitGraph, units: readonly string[]): string {
  const inside = new Set(units);
  const lines: string[] = [];
  for (const a of units) {
    for (const [b, imports] of graph.get(a) ?? []) {
      if (inside.has(b)) lines.push(`  ${a} -> ${b}: ${imports.map((i) => `${i.from} -> ${i.to}`).join(', ')}`);
    }
  }
  return `${units.join(' <-> ')}\n${lines.join('\n')}`;
}

export function srcDirOf(repoRoot: string): string {
  const dir = join(repoRoot, 'src');
  if (!existsSync(dir)) throw new Error(`no src/ under ${repoRoot}`);
  return dir;
}
