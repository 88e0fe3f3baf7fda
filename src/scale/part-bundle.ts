/**
 * A part folder carried home in its pod's log (docs/scale-out.md, "On Kubernetes: `loadgate k8s
 * run` (`src/scale/k8s-run.ts`)"): the pod's last line is `loadgate-part-bundle <sha256> <base64
 * of gzip(JSON)>`, the JSON mapping each file of the folder (part.json, result.json,
 * send-log.bin, ...) to its bytes in base64. The digest makes a log that the kubelet cut (its
 * default rotation is 10 MiB per container) an error instead of a silently short part.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export const BUNDLE_MARKER = 'loadgate-part-bundle';
const FILE_NAME = /^[A-Za-z0-9._-]+$/;

/** The one log line that carries `dir`'s files (not its sub-folders: a part writes none it needs). */
export async function bundleLine(dir: string): Promise<string> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = (await readFile(join(dir, entry.name))).toString('base64');
  }
  const packed = gzipSync(JSON.stringify({ files })).toString('base64');
  return `${BUNDLE_MARKER} ${sha256(packed)} ${packed}`;
}

export type BundleOutcome = { readonly ok: true; readonly files: number } | { readonly ok: false; readonly why: string };

/** Finds the bundle in a pod's log and writes its files into `dir`. */
export async function unpackBundle(log: string, dir: string): Promise<BundleOutcome> {
  const line = log.split('\n').reverse().find((l) => l.startsWith(`${BUNDLE_MARKER} `));
  if (line === undefined) return { ok: false, why: 'its log has no part bundle (the part did not finish writing)' };
  const [, digest, packed = ''] = line.trimEnd().split(' ');
  if (digest !== sha256(packed)) return { ok: false, why: `its part bundle is cut or damaged (${packed.length} base64 characters, digest differs): a log over the kubelet's size limit; use a smaller run per part` };
  let files: Record<string, string>;
  try {
    ({ files } = JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as { files: Record<string, string> });
  } catch (err) {
    return { ok: false, why: `its part bundle does not unpack (${(err as Error).message})` };
  }
  await mkdir(dir, { recursive: true });
  for (const [name, base64] of Object.entries(files)) {
    // A name from a log is input: no path may leave the folder.
    if (!FILE_NAME.test(name)) return { ok: false, why: `its part bundle names a file ${JSON.stringify(name)}` };
    await writeFile(join(dir, name), Buffer.from(base64, 'base64'));
  }
  return { ok: true, files: Object.keys(files).length };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
