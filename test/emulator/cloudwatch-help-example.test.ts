/**
 * The CloudWatch example of `loadgate emulator --help` works as printed (only the port changed; one port serves the API and CloudWatch),
 * against a cold `loadgate emulator` process: with Debian's awscli v2 (Query protocol) and with
 * the `aws` first on PATH (here awscli v1, which speaks CBOR and reads only AWS_DEFAULT_REGION).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { AWS_V2, missingClient, run, sendTraffic, startEmulatorCli, type RunningEmulatorCli } from './cloudwatch-clients-helpers.ts';

const missing = missingClient('awscli-v2');
let emu: RunningEmulatorCli;
let sent: { requests: number; status4xx: number };

describe.skipIf(missing !== undefined)(`loadgate emulator --help, its CloudWatch example${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    emu = await startEmulatorCli();
    sent = await sendTraffic(emu.stageUrl);
  });
  afterAll(async () => emu?.stop());

  it('runs the CloudWatch example of `loadgate emulator --help` as printed, with awscli v2 and with the aws on PATH', async () => {
    const help = (await runCli(['emulator', '--help'])).stdout;
    const start = help.indexOf('  export AWS_ACCESS_KEY_ID');
    expect(start).toBeGreaterThan(0);
    const script = help.slice(start, help.indexOf('\n\n', start)).replaceAll('http://127.0.0.1:3000', emu.cloudwatch);
    expect(script).toContain('aws cloudwatch get-metric-statistics');
    const bin = mkdtempSync(join(tmpdir(), 'lg-awsv2-'));
    symlinkSync(AWS_V2, join(bin, 'aws'));
    try {
      // The example exports its own fake credentials: run it with none in the environment.
      const env = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined };
      const [v2, onPath] = await Promise.all([
        run('bash', ['-euo', 'pipefail', '-c', script], { ...env, PATH: `${bin}:${process.env.PATH}` }),
        run('bash', ['-euo', 'pipefail', '-c', script], env),
      ]);
      for (const out of [v2, onPath]) {
        expect(out.stderr).toBe('');
        expect(out.code).toBe(0);
        // Two JSON documents: list-metrics, then get-metric-statistics.
        expect(out.stdout).toContain('"MetricName": "Count"');
        const sums = [...out.stdout.matchAll(/"Sum": ([\d.]+)/g)].map((m) => Number(m[1]));
        expect(sums.reduce((a, b) => a + b, 0)).toBe(sent.requests);
      }
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
