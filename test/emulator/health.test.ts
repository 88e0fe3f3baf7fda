/**
 * The emulator process survives a fault that no request handler can catch (an exception thrown
 * from a timer), counts it, relays the count to its parent, and keeps serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { spawnEmulator, type RunningEmulator } from '../../src/emulator/process.ts';

const INJECT = new URL('./fixtures/stray-fault.mjs', import.meta.url).pathname;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('an emulator in its own process', () => {
  it('an uncaught exception in a timer is counted, relayed to the parent, and the emulator serves on', async () => {
    const saved = process.env.NODE_OPTIONS;
    // fork() copies the environment at spawn time: only the child gets the injected fault.
    process.env.NODE_OPTIONS = `${saved ?? ''} --import=${INJECT}`.trim();
    try {
      emulator = await spawnEmulator(parseEmulatorConfig({ routes: { 'GET /items': {} } }, 'health.json'));
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    const e = emulator;
    await until(() => e.health().internalErrors > 0, 5_000);
    expect(e.health()).toEqual({ internalErrors: 1, firstError: 'Error: stray fault from a timer', exitedEarly: null });
    const r = await request(`${e.stages.prod}/items`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    await e.close();
    expect(e.health().exitedEarly).toBeNull();
  });
});
