/**
 * `loadgate report <result.json>`: re-renders the reports of a run from its result.json alone
 * (docs/architecture.md "result.json is the source of truth"). Parse flags -> read -> render -> write.
 */
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { REPORT_FORMATS, renderers, reportFileNames, type ReportFormat } from '../report/render.ts';
import { renderTerminal } from '../report/terminal.ts';
import { readResult } from '../result/io.ts';
import { writeFileAtomic, writeProblem } from '../result/write-files.ts';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { rejudge, rejudgeExitCode } from '../rejudge.ts';
import { readLimitsFile } from './scenario-flags.ts';
import { colorEnabled, NO_COLOR_HELP } from '../color.ts';
import { publishRun } from './github-actions.ts';

interface ReportFlags {
  readonly out?: string;
  readonly limits?: string;
  readonly format: string;
  readonly color: boolean;
}

/** Where the command writes: injectable so tests can capture what it prints. */
export interface ReportIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Splits and checks `--format terminal,markdown,html`. */
export function parseFormats(value: string): ReportFormat[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw UsageError.invalid(undefined, '--format', value, `a comma-separated list of ${REPORT_FORMATS.join(', ')}`);
  for (const name of names) {
    if (!(REPORT_FORMATS as readonly string[]).includes(name)) throw UsageError.invalid(undefined, '--format', name, `one of ${REPORT_FORMATS.join(', ')}`);
  }
  return [...new Set(names)] as ReportFormat[];
}

async function run(file: string, flags: ReportFlags, io: ReportIo): Promise<void> {
  const formats = parseFormats(flags.format);
  // With --limits: the recorded run replayed under other declared limits (rejudge.ts), into a new folder.
  const rejudged = flags.limits === undefined ? undefined : (await rejudge(file, await readLimitsFile(flags.limits))).result;
  const result = rejudged ?? (await readResult(file));
  const outDir = flags.out ?? (rejudged ? join('reports', `${result.runId}-rejudged-${randomBytes(2).toString('hex')}`) : dirname(file));
  if (rejudged) await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    if (format === 'terminal') continue;
    const path = join(outDir, reportFileNames[format]);
    if (format === 'json' && resolve(path) === resolve(file)) {
      io.stderr.write(`note: not rewriting ${file} onto itself (pass --out DIR for a copy)\n`);
      continue;
    }
    const text = renderers[format](result);
    try {
      await writeFileAtomic(path, text);
    } catch (err) {
      throw new UsageError(`cannot write ${path} (${writeProblem(err)})`, { file: path });
    }
    written.push(path);
  }
  if (formats.includes('terminal')) {
    io.stdout.write(renderTerminal(result, { color: colorEnabled(io.stdout, flags.color, io.env) }));
  }
  for (const path of written) io.stderr.write(`wrote ${path}\n`);
  // A re-judgement is a new verdict, so CI sees it; a plain re-render was published by its run.
  if (rejudged) {
    await publishRun(rejudged, [], { env: io.env ?? process.env, stdout: io.stdout, stderr: io.stderr });
    process.exitCode = rejudgeExitCode(rejudged);
  }
}

/** The `report` command. */
export function reportCommand(io: ReportIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  return new Command('report')
    .description('Re-render the reports of a run from its result.json (summary.md, report.html, terminal summary)')
    .argument('<result.json>', 'a result.json written by loadgate run, verify or capacity (or, with --limits, its folder)')
    .option('--out <dir>', 'write summary.md and report.html here (default: next to result.json)')
    .option('--format <list>', `formats to render, comma-separated: ${REPORT_FORMATS.join(', ')}`, 'terminal,markdown,html')
    .option('--limits <file>', 're-judge the run under these declared limits from its send-log.bin (no traffic), into a new folder')
    .option('--no-color', NO_COLOR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  loadgate report reports/<run-id>/result.json
  loadgate report result.json --out site/ --format markdown,html
  loadgate report result.json --format terminal --no-color
  loadgate report reports/<run-id> --limits other-limits.json     (the run judged under other limits)`,
    )
    .action((file: string, flags: ReportFlags) => run(file, flags, io));
}
