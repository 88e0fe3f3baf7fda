/** The real CLI (cliEntry) on a pseudo-TTY (`script`, stdout and stderr merged) or on pipes, with only `env` of the colour and CI variables set. */
import { execFile } from 'node:child_process';
import { cliEntry, REPO_ROOT } from './cli.ts';

export interface Spawned {
  readonly code: number | null;
  readonly out: string;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function loadgate(args: readonly string[], opts: { tty: boolean; env?: Record<string, string> }): Promise<Spawned> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...opts.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY']) if (!(opts.env && name in opts.env)) delete env[name];
  const argv = [cliEntry(), ...args];
  const [file, fileArgs] = opts.tty ? ['script', ['-qec', [process.execPath, ...argv].map(quote).join(' '), '/dev/null']] : [process.execPath, argv];
  return new Promise((resolve) => {
    execFile(file, fileArgs as string[], { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: `${stdout}${stderr}` });
    });
  });
}
