import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { spawnEmulator, type RunningEmulator } from '../../src/emulator/process.ts';
import { UsageError } from '../../src/errors.ts';

const SHOP_FILE = new URL('../../scenarios/emulator/shop.json', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const children: ChildProcess[] = [];
let emulator: RunningEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function tsx(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** The first line a child writes to stdout. */
async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    text += chunk;
    if (text.includes('\n')) return text.split('\n')[0];
  }
  throw new Error(`no line on stdout (exit ${child.exitCode})`);
}

/** Resolves once nothing accepts connections at `url` (bounded: an emulator that lives on fails the test). */
async function refusedSoon(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const ok = await request(url, { headersTimeout: 1_000 }).then(
      async (r) => (await r.body.dump(), true),
      () => false,
    );
    if (!ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('spawnEmulator', () => {
  it('runs a parsed config in its own process and stops on close()', async () => {
    const config = parseEmulatorConfig(JSON.parse(readFileSync(SHOP_FILE, 'utf8')));
    emulator = await spawnEmulator(config);
    expect(emulator).toMatchObject({ apiType: 'rest', apiName: 'shop', apiId: 'lgemu00001' });
    const r = await request(`${emulator.stages.prod}/items`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    const cw = await request(emulator.cloudwatchEndpoint, { method: 'POST', body: '{}', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics' } });
    expect(cw.statusCode).toBe(200);
    await cw.body.dump();
    const url = emulator.stages.prod;
    await emulator.close();
    emulator = undefined;
    expect(await refusedSoon(url)).toBe(true);
  });

  it('leaves Ctrl-C (SIGINT to the process group) to its parent, and stops on SIGTERM', async () => {
    emulator = await spawnEmulator(parseEmulatorConfig({ routes: { 'GET /a': {} } }));
    expect(emulator.pid).not.toBe(process.pid);
    process.kill(emulator.pid, 'SIGINT');
    const r = await request(`${emulator.stages.prod}/a`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    process.kill(emulator.pid, 'SIGTERM');
    expect(await refusedSoon(`${emulator.stages.prod}/a`)).toBe(true);
  });

  it('rejects a bad config file with the one-line UsageError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-emu-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ stages: { prod: { throttle: { rateRps: 'fast', burst: 1 } } } }));
      const err = await spawnEmulator({ configFile: file }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(`${file}: stages.prod.throttle.rateRps: "fast" is invalid (expected a number >= 0)`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('dies with its parent, however the parent dies', async () => {
    const parent = tsx('spawn-parent.ts', [SHOP_FILE]);
    const url = await firstLine(parent);
    const r = await request(`${url}/items`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    expect(await refusedSoon(`${url}/items`)).toBe(true);
  });
});
