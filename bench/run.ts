/**
 * `npm run bench`: every benchmark, each side by side with its peer in one run, printed as
 * tables with ratios. Select some with `npm run bench -- engine` (names: engine, emulator, analyse, verdicts, scale).
 * BENCH_FULL=1 makes the engine's memory run 1M requests. Writes bench-results.json as well.
 */
import { writeFile } from 'node:fs/promises';
import { benchEngine, type BenchReport } from './engine.ts';
import { benchEmulator } from './emulator.ts';
import { benchAnalyse } from './analyse.ts';
import { benchVerdicts } from './verdict-matrix.ts';
import { benchScale } from './scale.ts';

const BENCHES: Readonly<Record<string, () => Promise<BenchReport>>> = { engine: benchEngine, emulator: benchEmulator, analyse: benchAnalyse, verdicts: benchVerdicts, scale: benchScale };

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`);
  process.exit(2);
}
const reports: BenchReport[] = [];
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  process.stderr.write(`bench: ${name} ...\n`);
  const report = await BENCHES[name]();
  reports.push(report);
  process.stdout.write(`\n== ${report.name} ==\n${report.table}\n${report.notes.map((n) => `note: ${n}`).join('\n')}\n`);
}
await writeFile('bench-results.json', `${JSON.stringify(reports.map(({ name, metrics, notes }) => ({ name, metrics, notes })), null, 2)}\n`);
process.stderr.write('bench: figures also in bench-results.json\n');
