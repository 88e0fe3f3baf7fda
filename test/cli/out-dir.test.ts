/**
 * --out as a hostile user gives it: checked by writing before any traffic, and a folder that
 * breaks during the run never loses the measurement (result.json goes first, to a fallback
 * folder if need be, and the message says where). A full disk (a 64 KiB tmpfs, mounted as
 * root; skipped where mounting is not allowed) leaves no half-written report.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'lg-out-'));
const oneLiner = (url: string, out: string, duration = '20s') => ['run', '--target', url, '--rps', '20', '--duration', duration, '--no-cloudwatch', '-q', '--out', out];

function tryRoot(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('--out is checked by writing, before any traffic', () => {
  it.each([
    { why: 'names an existing file', make: (dir: string) => (writeFileSync(join(dir, 'taken'), 'x'), join(dir, 'taken')), problem: /EEXIST|ENOTDIR/ },
    { why: 'lies under a regular file', make: (dir: string) => (writeFileSync(join(dir, 'file'), 'x'), join(dir, 'file', 'sub')), problem: /ENOTDIR|EEXIST/ },
  ])('refuses an --out that $why: exit 2, one line, not one request sent', async ({ make, problem }) => {
    const server = await countingServer();
    try {
      const out = make(temp());
      const run = await runCli(oneLiner(server.url, out));
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`--out ${out}: cannot write there`);
      expect(run.stderr).toMatch(problem);
      expect(server.count()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('refuses an immutable folder (chattr +i stops root too)', async (ctx) => {
    const out = join(temp(), 'frozen');
    mkdirSync(out);
    if (!tryRoot('chattr', ['+i', out])) ctx.skip();
    const server = await countingServer();
    try {
      const run = await runCli(oneLiner(server.url, out));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot write there \((EPERM|EACCES)/);
      expect(server.count()).toBe(0);
    } finally {
      tryRoot('chattr', ['-i', out]);
      await server.close();
    }
  });
});

describe('other outputs', () => {
  it('run --junit under a regular file: exit 2 before traffic', async () => {
    const server = await countingServer();
    try {
      const dir = temp();
      writeFileSync(join(dir, 'file'), 'x');
      const run = await runCli([...oneLiner(server.url, join(dir, 'out')), '--junit', join(dir, 'file', 'junit.xml')]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toMatch(/^loadgate: --junit \S+file: cannot write there \((EEXIST|ENOTDIR)/);
      expect(server.count()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('report --out naming a file: exit 2, one line naming the file it could not write', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'result.json'), readFileSync(new URL('../fixtures/results/no-limits.json', import.meta.url)));
    writeFileSync(join(dir, 'taken'), 'x');
    const run = await runCli(['report', join(dir, 'result.json'), '--out', join(dir, 'taken'), '--format', 'markdown']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(new RegExp(`^loadgate: cannot write ${join(dir, 'taken', 'summary.md')} \\((EEXIST|ENOTDIR)`));
  });
});

describe('a folder that breaks after traffic never loses the measurement', () => {
  it('writes result.json to reports/<run-id> when --out became a file mid-run, and says so (exit 2)', async () => {
    const cwd = temp();
    const out = join(cwd, 'out');
    const server = await countingServer();
    try {
      const running = runCli(oneLiner(server.url, out, '2s'), { cwd });
      await server.firstRequest;
      rmdirSync(out); // the probe left it empty
      writeFileSync(out, 'in the way');
      const run = await running;
      expect(run.code).toBe(2);
      const line = run.stderr.trim().split('\n').at(-1)!;
      expect(line).toContain(`cannot write ${join(out, 'result.json')}`);
      const where = /the result is in (\S+result\.json)/.exec(line)?.[1];
      expect(where).toBeDefined();
      const saved = JSON.parse(readFileSync(join(cwd, where!), 'utf8'));
      expect(saved.totals.sent).toBe(40);
      expect(saved.totals.sent).toBe(server.count());
      expect(existsSync(join(cwd, where!.replace('result.json', 'report.html')))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('a full disk', () => {
  const mount = join(tmpdir(), `lg-full-${process.pid}`);
  let mounted = false;
  afterAll(() => {
    if (mounted) tryRoot('umount', [mount]);
  });

  it('keeps result.json whole, leaves no half report.html, and names the file that failed', async (ctx) => {
    mkdirSync(mount, { recursive: true });
    mounted = tryRoot('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
    if (!mounted) ctx.skip();
    const server = await countingServer();
    try {
      const out = join(mount, 'run');
      const run = await runCli(oneLiner(server.url, out, '1s'), { cwd: temp() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`cannot write ${join(out, 'report.html')} (ENOSPC`);
      expect(run.stderr).toContain(`the result is in ${join(out, 'result.json')}`);
      expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).totals.sent).toBe(20);
      expect(readdirSync(out).filter((f) => f.includes('report.html'))).toEqual([]); // no partial file, no temp file
    } finally {
      await server.close();
    }
  });
});
