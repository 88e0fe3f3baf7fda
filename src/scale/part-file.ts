/**
 * `part.json`: what a part of a split run says about itself besides result.json and
 * send-log.bin (docs/scale-out.md): which part it is, the shared start time and its own real
 * start, and the non-secret flags `loadgate merge` needs to rebuild the scenario and judge the
 * merged record. Headers and bodies are never stored (they may hold keys): the send log's header
 * carries the key ids the throttle model needs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { writeFileAtomic } from '../result/write-files.ts';
import { MAX_PARTS, type Segment } from '../load/segment.ts';

export const PART_FILE = 'part.json';
const FORMAT = 'loadgate-part';
const VERSION = 1;

/**
 * The non-secret run flags a merge rebuilds the scenario from. Opaque here: the CLI chooses and
 * reads them (cli/split-run.ts STORED_FLAGS), so scale/ sits below the CLI that wires it.
 */
export type StoredFlags = Readonly<Record<string, unknown>>;

export interface PartManifest {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly segment: Segment;
  /** The shared run time 0 of every part, epoch ms. */
  readonly startAtWallMs: number;
  /** This part's own run time 0, epoch ms (sub-ms). */
  readonly originWallMs: number;
  /** originWallMs - startAtWallMs: how late this part started. */
  readonly startSkewMs: number;
  /** What every part of one run must agree on. */
  readonly plan: { readonly scenarioName: string; readonly seed: number; readonly phases: readonly string[]; readonly durationS: number };
  /** The scenario file, absolute; null for a one-liner. */
  readonly scenarioFile: string | null;
  readonly flags: StoredFlags;
  readonly interrupted: boolean;
}

export async function writePartManifest(dir: string, manifest: Omit<PartManifest, 'format' | 'version'>): Promise<void> {
  await writeFileAtomic(join(dir, PART_FILE), `${JSON.stringify({ format: FORMAT, version: VERSION, ...manifest }, null, 2)}\n`);
}

/** Reads `dir/part.json`; anything that is not a part of a split run is one line naming the file and field. */
export async function readPartManifest(dir: string): Promise<PartManifest> {
  const path = join(dir, PART_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read the part (${code === 'ENOENT' ? 'no such file: is this a folder written by loadgate run --segment?' : code ?? 'unreadable'})`, { file: path });
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${path}: not JSON`, { file: path });
  }
  const bad = (field: string, expected: string) => UsageError.invalid(path, field, (raw as Record<string, unknown>)[field], expected);
  if (raw === null || typeof raw !== 'object' || raw.format !== FORMAT) throw bad('format', `"${FORMAT}"`);
  if (raw.version !== VERSION) throw bad('version', `${VERSION} (this loadgate reads version ${VERSION})`);
  const segment = raw.segment as Segment | undefined;
  if (!segment || !Number.isInteger(segment.count) || !Number.isInteger(segment.index) || segment.count < 1 || segment.count > MAX_PARTS || segment.index < 0 || segment.index >= segment.count) {
    throw UsageError.invalid(path, 'segment', raw.segment, '{ index, count } with 0 <= index < count');
  }
  for (const field of ['startAtWallMs', 'originWallMs', 'startSkewMs'] as const) if (!Number.isFinite(raw[field])) throw bad(field, 'a number (epoch ms)');
  if (typeof raw.plan !== 'object' || raw.plan === null) throw bad('plan', 'an object');
  return raw as unknown as PartManifest;
}
