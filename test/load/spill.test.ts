import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/run-load.ts';
import { readSendLogFile } from '../../src/record/send-log-file.ts';
import { constantArrivals, fixedFactory, startServer, testOptions, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = undefined;
});

describe('runLoad with a spilled send log', () => {
  it('writes every request to the file during the run and reads it back only when asked', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    dir = await mkdtemp(join(tmpdir(), 'lg-spill-run-'));
    const path = join(dir, 'send-log.bin');
    const out = await runLoad({
      target: server.url, arrivals: constantArrivals(500, 1000), plannedDurationMs: 1000, factory: fixedFactory(),
      requestNames: ['GET /items'], options: testOptions({ warmUp: false }), signal: new AbortController().signal,
      spill: { path, header: { requests: [{ method: 'GET', path: '/items' }] } },
    });
    expect(out.sendLogFile).toBe(path);
    expect(existsSync(path)).toBe(true);
    const read = readSendLogFile(path);
    expect(read.complete).toBe(true);
    expect(read.header.originWallMs).toBe(out.startWallMs);
    expect(read.log.count).toBe(out.measurement.totals.sent);
    expect(Array.from(read.log.status.subarray(0, read.log.count)).every((s) => s === 200)).toBe(true);
    // arrival i was intended at (i + 1) * 2 ms
    expect(read.log.intendedMs[10]).toBeCloseTo(22, 6);
    expect(out.sendLog.count).toBe(read.log.count);
    expect(out.sendLog.arrivalIndex[499]).toBe(499);
  });
});
