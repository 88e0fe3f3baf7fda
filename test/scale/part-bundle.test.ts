/** A part folder through a pod log and back (src/scale/part-bundle.ts): byte for byte, and a cut log is refused. */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLine, unpackBundle } from '../../src/scale/part-bundle.ts';

describe('part bundle in a pod log', () => {
  let dir: string;
  const sendLog = randomBytes(200_000);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-bundle-'));
    await writeFile(join(dir, 'part.json'), '{"format":"loadgate-part"}');
    await writeFile(join(dir, 'send-log.bin'), sendLog);
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('brings every file home byte for byte from the last bundle line among other log lines', async () => {
    const log = `part 0/2: warming up\n${await bundleLine(dir)}\n`;
    const home = join(dir, 'home');
    expect(await unpackBundle(`noise\n${log}`, home)).toEqual({ ok: true, files: 2 });
    expect((await readdir(home)).sort()).toEqual(['part.json', 'send-log.bin']);
    expect((await readFile(join(home, 'send-log.bin'))).equals(sendLog)).toBe(true);
  });

  it('refuses a bundle the log cut short, and a log with none', async () => {
    const line = await bundleLine(dir);
    const cut = await unpackBundle(line.slice(0, line.length - 100), join(dir, 'cut'));
    expect(cut).toMatchObject({ ok: false });
    expect(!cut.ok && cut.why).toMatch(/cut or damaged/);
    expect(await unpackBundle('Error: boom\n', join(dir, 'none'))).toEqual({ ok: false, why: 'its log has no part bundle (the part did not finish writing)' });
  });
});
