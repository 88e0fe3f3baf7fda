/**
 * Ctrl-C at every stage of a cold `loadgate run` (src/cancel.ts): during the drain, during the
 * CloudWatch pull (the emulator's CloudWatch handler in this process, read as AWS would be: the
 * 15 s poll interval and 180 s budget), and twice during sending. Each waits on an event (the
 * target's or the endpoint's request, a line on stderr), never on a sleep; the bounds are
 * generous (3 s) against the 20 s grace and 180 s polls the bug would wait out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricStore } from '../../src/emulator/metrics/store.ts';
import { createCloudWatchHandler } from '../../src/emulator/metrics/handler.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

const EXIT_BOUND_MS = 3000;
const temp = () => mkdtempSync(join(tmpdir(), 'lg-int-'));

/** A scenario against `url` whose answers take 30 s and whose drain grace is 20 s. */
function slowScenario(dir: string, url: string, phases: unknown[]): string {
  const file = join(dir, 'slow.json');
  writeFileSync(file, JSON.stringify({ name: 'slow', target: url, phases, options: { grace: '20s', timeout: '60s' }, aws: { cloudwatch: false } }));
  return file;
}

function interruptAt(child: ChildProcess, when: Promise<unknown>): Promise<number> {
  return when.then(() => {
    child.kill('SIGINT');
    return performance.now();
  });
}

function stderrLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer | string) => {
      seen += String(d);
      if (seen.includes(text)) resolve();
    });
  });
}

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));

describe('Ctrl-C after sending ends', () => {
  it('during the drain: ends it at once, writes interrupted: true, exits 130', async () => {
    const server = await countingServer(30_000);
    const dir = temp();
    try {
      // The last arrival is the plan's end, so the drain starts as that request goes out.
      let lastArrived!: () => void;
      const allSent = new Promise<void>((resolve) => (lastArrived = resolve));
      const poll = setInterval(() => server.count() >= 11 && lastArrived(), 5);
      let sentAt: Promise<number> | undefined;
      const run = await runCli(['run', slowScenario(dir, server.url, [{ shape: 'constant', rateRps: 10, duration: '1s' }, { shape: 'burst', count: 1 }]), '-q', '--out', dir], {
        onStart: (child) => (sentAt = interruptAt(child, allSent)),
      });
      clearInterval(poll);
      expect(performance.now() - (await sentAt!)).toBeLessThan(EXIT_BOUND_MS);
      expect(run.code).toBe(130);
      const result = readResult(dir);
      expect(result.interrupted).toBe(true);
      expect(result.totals.sent).toBe(11);
      expect(result.totals.unfinished).toBe(11);
    } finally {
      await server.close();
    }
  });

  it('during the CloudWatch pull: the poll and its SDK call stop, the section says why, exit 130', async () => {
    const target = await countingServer();
    let firstCall!: () => void;
    const called = new Promise<void>((resolve) => (firstCall = resolve));
    const handler = createCloudWatchHandler(new MetricStore({ type: 'rest', name: 'shop', id: 'x1' }));
    const endpoint: Server = createServer((req, res) => (firstCall(), handler(req, res)));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const dir = temp();
    try {
      let sentAt: Promise<number> | undefined;
      const run = await runCli(
        ['run', '--target', target.url, '--rps', '10', '--duration', '1s', '-q', '--out', dir,
          '--cloudwatch', '--endpoint', `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`, '--region', 'us-east-1', '--api-name', 'shop'],
        { env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_PROFILE: '' }, onStart: (child) => (sentAt = interruptAt(child, called)) },
      );
      expect(performance.now() - (await sentAt!)).toBeLessThan(EXIT_BOUND_MS);
      expect(run.code).toBe(130);
      const result = readResult(dir);
      expect(result.interrupted).toBe(true);
      expect(result.totals.sent).toBe(10);
      expect(result.cloudwatch).toMatchObject({ status: 'unavailable', reason: 'interrupted during the CloudWatch pull' });
    } finally {
      endpoint.closeAllConnections();
      endpoint.close();
      await target.close();
    }
  });
});

describe('a second Ctrl-C', () => {
  it('stops waiting for requests in flight at once and still writes result.json', async () => {
    const server = await countingServer(30_000);
    const dir = temp();
    try {
      let secondAt: Promise<number> | undefined;
      const run = await runCli(['run', slowScenario(dir, server.url, [{ shape: 'constant', rateRps: 20, duration: '20s' }]), '-q', '--out', dir], {
        onStart: (child) => {
          const first = interruptAt(child, server.firstRequest);
          secondAt = first.then(() => interruptAt(child, stderrLine(child, 'stopping')));
        },
      });
      expect(performance.now() - (await secondAt!)).toBeLessThan(EXIT_BOUND_MS);
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('again: writing result.json');
      const result = readResult(dir);
      expect(result.interrupted).toBe(true);
      expect(result.totals.sent).toBeGreaterThan(0);
      expect(result.totals.sent).toBe(server.count());
    } finally {
      await server.close();
    }
  });
});
