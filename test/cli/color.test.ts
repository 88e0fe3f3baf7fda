/**
 * Colours: one helper (src/color.ts) decides for every command. Checked over the whole env × TTY
 * × flag matrix in process; then each command that prints (run, report, verify, compare,
 * capacity) through `main` with its output captured, in the three cases that tell the helper
 * from the bugs it replaced; then the real bin on a pseudo-TTY (`script`).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/color.ts';
import { main } from '../../src/cli/program.ts';
import { loadgate } from '../helpers/spawn-tty.ts';

describe('colorEnabled: --no-color, then NO_COLOR, then FORCE_COLOR, then the TTY', () => {
  const NO_COLOR = [undefined, '', '1', '0', 'false'];
  const FORCE_COLOR = [undefined, '', '0', 'false', '1', '2', '3', 'true', 'yes'];
  /** The rules as docs and no-color.org state them, written apart from the code. */
  function expected(flag: boolean | undefined, noColor: string | undefined, force: string | undefined, tty: boolean): boolean {
    if (flag === false) return false;
    if (noColor !== undefined && noColor.length > 0) return false; // any non-empty value, "0" included (docs/gates.md)
    if (force !== undefined && ['0', 'false'].includes(force)) return false;
    if (force !== undefined && ['', '1', '2', '3', 'true'].includes(force)) return true;
    return tty;
  }
  const cases = [undefined, true, false].flatMap((flag) => NO_COLOR.flatMap((noColor) => FORCE_COLOR.flatMap((force) => [true, false].map((tty) => ({ flag, noColor, force, tty })))));

  it(`agrees with the stated rules in all ${cases.length} cases`, () => {
    for (const c of cases) {
      const env = { ...(c.noColor === undefined ? {} : { NO_COLOR: c.noColor }), ...(c.force === undefined ? {} : { FORCE_COLOR: c.force }) };
      expect([c, colorEnabled({ isTTY: c.tty }, c.flag, env)]).toEqual([c, expected(c.flag, c.noColor, c.force, c.tty)]);
    }
  });

  it.each([
    [{ NO_COLOR: '' }, true, true, 'an empty NO_COLOR is unset (docs/gates.md); run and report used to disagree here'],
    [{ FORCE_COLOR: '1' }, false, true, 'FORCE_COLOR colours a pipe'],
    [{ NO_COLOR: '1', FORCE_COLOR: '3' }, true, false, 'NO_COLOR wins over FORCE_COLOR'],
    [{ FORCE_COLOR: '0' }, true, false, 'FORCE_COLOR=0 turns a TTY off'],
  ] as [Record<string, string>, boolean, boolean, string][])('%j on a TTY=%s -> %s (%s)', (env, tty, on) => {
    expect(colorEnabled({ isTTY: tty }, undefined, env)).toBe(on);
  });
});

const SGR = /\u001b\[[\d;]*m/; // a colour; the progress line's \x1b[2K is not one
const DECIDING = ['NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY'];

/**
 * `main(argv)` with process.stdout/stderr captured, stdout's isTTY set to `tty` and only `env`
 * of the deciding variables set; everything restored after.
 */
async function captured(argv: readonly string[], tty: boolean, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const saved = { out: process.stdout.write, err: process.stderr.write, tty: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), env: DECIDING.map((k) => [k, process.env[k]] as const) };
  let out = '';
  const capture = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
  for (const k of DECIDING) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return { code: await main(argv), out };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    if (saved.tty) Object.defineProperty(process.stdout, 'isTTY', saved.tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    for (const [k, v] of saved.env) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

/** [TTY with NO_COLOR="" (report's old bug), a pipe with FORCE_COLOR=1 (run's), TTY with --no-color]: whether each coloured. */
async function threeCases(argv: readonly string[]): Promise<boolean[]> {
  const seen: boolean[] = [];
  for (const [args, tty, env] of [[argv, true, { NO_COLOR: '' }], [argv, false, { FORCE_COLOR: '1' }], [[...argv, '--no-color'], true, { FORCE_COLOR: '1' }]] as const) {
    const { out } = await captured(args, tty, env);
    expect(out).not.toMatch(/\n\s+at /);
    seen.push(SGR.test(out));
  }
  return seen;
}

describe('every command that prints asks the helper', () => {
  it('run, report, verify --from, compare and capacity: colour, colour, none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-color-'));
    const oneLiner = ['--rps', '20', '--duration', '500ms', '--no-cloudwatch', '--no-warm-up', '--allow-unkept-schedule'];
    const recorded = join(dir, 'recorded');
    expect(await threeCases(['run', ...oneLiner, '--out', recorded])).toEqual([true, true, false]);
    const result = join(recorded, 'result.json');
    expect(await threeCases(['report', result, '--format', 'terminal'])).toEqual([true, true, false]);
    expect(await threeCases(['verify', '--from', recorded, '--rate', '1000', '--burst', '500', '--out', join(dir, 'verify')])).toEqual([true, true, false]);
    expect(await threeCases(['compare', result, result])).toEqual([true, true, false]);
    const scenario = join(dir, 'scenario.json');
    await writeFile(scenario, JSON.stringify({ name: 'color', requests: [{ method: 'GET', path: '/' }], phases: [{ shape: 'constant', rateRps: 20, duration: '1s' }], options: { warmUp: false } }));
    expect(await threeCases(['capacity', scenario, '--start', '20', '--max-rate', '20', '--step-duration', '500ms', '--out', join(dir, 'capacity')])).toEqual([true, true, false]);
  }, 60_000);

  it('the real bin on a pseudo-TTY: colour with NO_COLOR="", none with NO_COLOR=1 or on a pipe', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-color-'));
    const result = join(dir, 'result.json');
    const { makeResult } = await import('../gates/fixtures.ts');
    await writeFile(result, JSON.stringify(makeResult()));
    const args = ['report', result, '--format', 'terminal'];
    const [emptyNoColor, noColor, pipe] = await Promise.all([
      loadgate(args, { tty: true, env: { NO_COLOR: '' } }), loadgate(args, { tty: true, env: { NO_COLOR: '1' } }), loadgate(args, { tty: false }),
    ]);
    expect([emptyNoColor.code, noColor.code, pipe.code]).toEqual([0, 0, 0]);
    expect([SGR.test(emptyNoColor.out), SGR.test(noColor.out), SGR.test(pipe.out)]).toEqual([true, false, false]);
    expect(noColor.out).toContain('Gates');
  }, 30_000);
});
