/**
 * Shared by the real-client CloudWatch tests: a cold `loadgate emulator` process serving
 * scenarios/emulator/shop.json on free 127.0.0.1 ports, bounded traffic to it (some of it
 * throttled), and which third-party clients this machine has (a missing one is skipped with the
 * reason, or fails under CI=true as design.md asks of .ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry, REPO_ROOT } from '../helpers/cli.ts';

export const SHOP_CONFIG = join(REPO_ROOT, 'scenarios/emulator/shop.json');
export const AWS_V2 = '/usr/bin/aws';

/** Why a client cannot be used here, or undefined when it can. */
export function missingClient(kind: 'awscli-v2' | 'boto3'): string | undefined {
  const why = kind === 'awscli-v2'
    ? (existsSync(AWS_V2) && /^aws-cli\/2\./.test(spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' }).stdout) ? undefined : `${AWS_V2} is not awscli v2 (apt-get install awscli)`)
    : (spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0 ? undefined : 'python3 cannot import boto3 (pip install boto3)');
  if (why && process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  return why;
}

export interface RunningEmulatorCli {
  readonly stageUrl: string;
  readonly cloudwatch: string;
  stop(): Promise<void>;
}

/** `loadgate emulator --config shop.json --port 0` (a cold process, cliEntry), resolved once it is ready. */
export async function startEmulatorCli(): Promise<RunningEmulatorCli> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-cw-clients-'));
  const readyFile = join(dir, 'ready.json');
  const child: ChildProcess = spawn(process.execPath, [cliEntry(), 'emulator', '--config', SHOP_CONFIG, '--port', '0', '--ready-file', readyFile], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c) => {
      out += c;
      if (out.includes('endpoint: ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`loadgate emulator exited ${code} before it was ready`)));
  });
  const info = JSON.parse(readFileSync(readyFile, 'utf8')) as { stages: { prod: string }; cloudwatchEndpoint: string };
  return {
    stageUrl: info.stages.prod,
    cloudwatch: info.cloudwatchEndpoint,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 40 requests at once to GET /slow (20 rps, burst 10: most are throttled) and 10 to /items. */
export async function sendTraffic(stageUrl: string): Promise<{ requests: number; status4xx: number }> {
  const urls = [...Array.from({ length: 40 }, () => `${stageUrl}/slow`), ...Array.from({ length: 10 }, () => `${stageUrl}/items`)];
  const statuses = await Promise.all(urls.map(async (u) => {
    const res = await fetch(u);
    await res.arrayBuffer();
    return res.status;
  }));
  return { requests: statuses.length, status4xx: statuses.filter((s) => s >= 400 && s < 500).length };
}

/** A window of whole minutes around now, and a period covering all of it (one datapoint). */
export function windowAroundNow(): { startS: number; endS: number; periodS: number } {
  const minuteS = Math.floor(Date.now() / 60_000) * 60;
  const startS = minuteS - 10 * 60;
  const endS = minuteS + 5 * 60;
  return { startS, endS, periodS: endS - startS };
}

/** Runs a command to completion, capturing its output (never through a shell). */
export async function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...AWS_ENV, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = await once(child, 'close');
  return { code: code as number | null, stdout, stderr };
}

/** Fake credentials, a region, no instance metadata, no pager: nothing leaves 127.0.0.1. */
export const AWS_ENV: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};
