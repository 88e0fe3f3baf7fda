/**
 * The package as a new user gets it: `npm pack` (on a copy of the repo, so the worktree's dist/
 * is never half-written under other tests), the tarball installed into fresh projects (ESM,
 * CommonJS from `npm init -y`, a folder with no package.json, a global install), a TS scenario
 * run through the installed `loadgate` bin against the embedded emulator, and type-checked by the
 * project's own `tsc --init` config. The four installs run side by side from npm's cache.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const exec = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const NOT_PACKED = new Set(['node_modules', 'dist', 'reports', '.git', '.tmp', '.test-dist']);

const SCENARIO = `import { defineScenario } from 'loadgate';

export default defineScenario({
  name: 'installed',
  requests: [{ name: 'list items', method: 'GET', path: '/items' }],
  phases: [{ shape: 'constant', rateRps: 20, duration: '1s' }],
});
`;

let root: string;
let tarball: string;
const project = (name: string): string => join(root, name);

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [file, ...args], { cwd, timeout: 40_000, env: { ...process.env, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', LOADGATE_DEBUG: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'loadgate-pack-'));
  const copy = join(root, 'repo');
  cpSync(REPO_ROOT, copy, { recursive: true, filter: (src) => !NOT_PACKED.has(relative(REPO_ROOT, src).split('/')[0]) });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
  const packed = await npm(['pack', '--pack-destination', root], copy);
  tarball = join(root, packed.trim().split('\n').pop()!);

  for (const name of ['esm', 'cjs', 'none', 'bare']) mkdirSync(project(name));
  writeFileSync(join(project('esm'), 'package.json'), JSON.stringify({ name: 'esm-user', private: true, type: 'module' }));
  await npm(['init', '-y'], project('cjs'));
  await Promise.all([
    npm(['install', '-D', tarball], project('esm')),
    npm(['install', '-D', tarball], project('cjs')),
    npm(['install', tarball], project('none')),
    npm(['install', '-g', '--prefix', project('global'), tarball], root),
  ]);
  // The folder keeps node_modules but loses the package.json npm wrote: "no package.json".
  rmSync(join(project('none'), 'package.json'));
  rmSync(join(project('none'), 'package-lock.json'));
  for (const name of ['esm', 'cjs', 'none']) await exec(process.execPath, [TSC, '--init'], { cwd: project(name) });
  // A budget, not a measurement: about 60 s alone, but pack's tsc and four installs share two
  // cores with the rest of the parallel project, and took over 150 s when three other suites ran too.
}, 300_000);

// Four installs are a few hundred MB: on a slow CI disk the delete alone outlasted the 30 s default.
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
}, 150_000);

describe('the packed tarball', () => {
  it('ships compiled JavaScript and declarations, no sources, tests or bench', async () => {
    const { stdout } = await exec('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/emulator/child.js');
    expect(files).toContain('bin/loadgate.js');
    expect(files.filter((f) => /^(src|test|bench|scripts|\.ci)\//.test(f) || f.startsWith('tsconfig'))).toEqual([]);
    const declarations = files.filter((f) => f.endsWith('.d.ts'));
    const index = readFileSync(join(project('esm'), 'node_modules/loadgate/dist/index.d.ts'), 'utf8');
    expect(declarations.length).toBeGreaterThan(20);
    expect(index).not.toMatch(/from '\.[^']*\.ts'/);
  });
});

const cases = [
  { name: 'esm', file: 'scenario.ts', typeChecks: true },
  { name: 'cjs', file: 'scenario.mts', typeChecks: true },
  { name: 'cjs', file: 'scenario.ts', typeChecks: false }, // runs; tsc refuses ESM syntax in a CommonJS .ts (docs/architecture.md "Packaging")
  { name: 'none', file: 'scenario.mts', typeChecks: true },
  { name: 'none', file: 'scenario.ts', typeChecks: false },
] as const;

describe.each(cases)('installed into a $name project, $file', ({ name, file, typeChecks }) => {
  it('runs through the installed bin against the emulator', async () => {
    writeFileSync(join(project(name), file), SCENARIO);
    const out = join(root, 'out', `${name}-${file}`);
    const result = await run(join(project(name), 'node_modules/loadgate/bin/loadgate.js'), ['run', file, '--out', out, '-q'], project(name));
    // 3 says only that this shared machine sent late; the run itself completed and was judged.
    expect([0, 3], `${result.stdout}\n${result.stderr}`).toContain(result.code);
    const written = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { totals: { byStatus: Record<string, number> } };
    expect(written.totals.byStatus['200']).toBeGreaterThan(10);
  });

  it.runIf(typeChecks)("type-checks with the project's own tsc --init config, and its types are real", async () => {
    // A wrong field type beside the scenario must fail, alone: the types are there, not `any`.
    const wrong = file.replace('scenario', 'wrong');
    writeFileSync(join(project(name), wrong), SCENARIO.replace('rateRps: 20', "rateRps: 'fast'"));
    const output = await exec(process.execPath, [TSC, '--noEmit', '-p', project(name)], { cwd: project(name) }).then(() => '', (err: { stdout: string }) => err.stdout);
    rmSync(join(project(name), wrong));
    const errors = output.split('\n').filter((line) => / error TS/.test(line));
    expect(errors.length, output).toBeGreaterThan(0);
    expect(errors.filter((line) => !line.startsWith(`${wrong}(`)), output).toEqual([]);
    expect(errors.join('\n')).toMatch(/TS2322/);
  });
});

describe('a global install', () => {
  const bin = (): string => join(project('global'), 'lib/node_modules/loadgate/bin/loadgate.js');

  it("runs a scenario in a folder with no package.json and no node_modules, importing 'loadgate'", async () => {
    writeFileSync(join(project('bare'), 'scenario.ts'), SCENARIO);
    const out = join(root, 'out', 'global');
    const result = await run(bin(), ['run', 'scenario.ts', '--out', out, '-q'], project('bare'));
    expect([0, 3], `${result.stdout}\n${result.stderr}`).toContain(result.code);
    expect(existsSync(join(out, 'result.json'))).toBe(true);
    expect(existsSync(join(project('global'), 'lib/node_modules/loadgate/src'))).toBe(false);
  });

  it('k8s run without the optional Kubernetes client says how to install it: one line, exit 2', async () => {
    writeFileSync(join(project('bare'), 'scenario.ts'), SCENARIO);
    expect(existsSync(join(project('global'), 'lib/node_modules/@kubernetes'))).toBe(false);
    expect(existsSync(join(project('global'), 'lib/node_modules/loadgate/node_modules/@kubernetes'))).toBe(false);
    const result = await run(bin(), ['k8s', 'run', 'scenario.ts', '--parts', '2', '--image', 'loadgate:test', '--target', 'http://127.0.0.1:9/', '--start-at', String(Date.now() + 60_000)], project('bare'));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/k8s run: needs the Kubernetes client.*npm install @kubernetes\/client-node@1\.4\.0/)]);
  });

  it('shows the error a scenario throws at import: one line naming the file, exit 2', async () => {
    writeFileSync(join(project('bare'), 'throws.ts'), "throw new Error('no API key in API_KEY');\nexport default {};\n");
    const plain = await run(bin(), ['run', 'throws.ts', '-q'], project('bare'));
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^loadgate: throws\.ts: cannot load scenario \(Error: no API key in API_KEY/)]);
    const debug = await run(bin(), ['run', 'throws.ts', '-q'], project('bare'), { LOADGATE_DEBUG: '1' });
    expect(debug.stderr).toMatch(/at .*throws\.ts:1/);
  });
});
