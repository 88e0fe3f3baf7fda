/**
 * Writing a run's files so that nothing measured is lost (issue 12):
 *
 * - before traffic, `probeWritable` proves the output folder takes a file by writing one;
 * - after traffic, result.json goes first, atomically (temp file + rename), to the requested
 *   folder or else to a fallback folder, and the reports follow, each atomically, so a full disk
 *   leaves the previous file or none, never half of one;
 * - a file that cannot be written is named in one line, with where result.json went.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { LoadgateError, UsageError } from '../errors.ts';

/** Why a path cannot be written, in the user's words. */
export function writeProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `${code}: a file is in the way of a folder`;
    case 'EISDIR':
      return 'EISDIR: a folder is in the way of the file';
    case 'EACCES':
    case 'EPERM':
      return `${code}: permission denied (read-only?)`;
    case 'EROFS':
      return 'EROFS: read-only file system';
    case 'ENOSPC':
      return 'ENOSPC: no space left on the device';
    case 'EDQUOT':
      return 'EDQUOT: disk quota exceeded';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * Writes `text` to `path` through a temp file in the same folder and a rename: readers see the
 * old file or the whole new one. The temp file is removed when the write fails.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Proves that `dir` takes files by creating it and writing (then removing) a probe file: the
 * only test that also catches read-only mounts, immutable folders and full disks.
 * `flag` names where the folder came from (`--out`, `--junit`).
 */
export async function probeWritable(dir: string, flag: string): Promise<void> {
  const probe = join(dir, `.loadgate-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe\n');
  } catch (err) {
    throw new UsageError(`${flag} ${dir}: cannot write there (${writeProblem(err)}); nothing was sent`, { field: flag });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** One file of a run: its name in the folder and how to render it. */
export interface RunFile {
  readonly name: string;
  readonly render: () => string;
}

/** Where the files went. */
export interface WrittenRun {
  /** The folder result.json is in (the requested one, or the fallback). */
  readonly outDir: string;
  /** Files that could not be written, one line each. */
  readonly failures: readonly string[];
}

/**
 * A file of the run that could not be written where asked. Exit 2 (the output location is
 * configuration); the message says where result.json is, so the measurement is never lost.
 */
export class OutputError extends LoadgateError {
  readonly written: WrittenRun;
  constructor(written: WrittenRun) {
    const where = written.failures.length > 0 ? written.failures.join('; ') : 'nothing';
    super('CONFIG', `${where}; the result is in ${join(written.outDir, 'result.json')}`, 2);
    this.name = 'OutputError';
    this.written = written;
  }
}

/**
 * Writes `record` (result.json) first, into `outDir` or else into the first fallback folder that
 * takes it, then every other file into the same folder. Throws only when result.json fits
 * nowhere; other failures are returned.
 */
export async function writeRunFiles(outDir: string, record: RunFile, others: readonly RunFile[], fallbacks: readonly string[]): Promise<WrittenRun> {
  const failures: string[] = [];
  const recordText = record.render();
  let dir: string | undefined;
  for (const candidate of [outDir, ...fallbacks]) {
    try {
      await writeFileAtomic(join(candidate, record.name), recordText);
      dir = candidate;
      break;
    } catch (err) {
      failures.push(`cannot write ${join(candidate, record.name)} (${writeProblem(err)})`);
    }
  }
  if (dir === undefined) throw new LoadgateError('CONFIG', `${failures.join('; ')}: the measurement could not be saved anywhere`, 2);
  for (const file of others) {
    const path = join(dir, file.name);
    try {
      await writeFileAtomic(path, file.render());
    } catch (err) {
      failures.push(`cannot write ${path} (${writeProblem(err)})`);
    }
  }
  return { outDir: dir, failures };
}

/** The folders result.json falls back to: reports/<runId>, then the system's temp folder. */
export function fallbackDirs(outDir: string, runId: string): string[] {
  const candidates = [join('reports', runId), join(tmpdir(), `loadgate-${runId}`)];
  return candidates.filter((d) => d !== outDir);
}
