/**
 * GitHub Actions: when GITHUB_ACTIONS=true, the run's Markdown summary (summary.md) is appended to
 * the file named by $GITHUB_STEP_SUMMARY, and each failed gate becomes one `::error` workflow
 * command on stdout, so the job page shows the summary and the failures as annotations.
 *
 * Workflow-command escaping is the runner's (docs/gates.md "CI output"): in the message `%`,
 * `\r` and `\n` become %25, %0D and %0A; in a property (`title=`) `:` and `,` too (%3A, %2C),
 * since they separate properties. `%` first, so an escape is never escaped again.
 */
import { appendFile } from 'node:fs/promises';
import type { GateVerdict, RunResult } from '../result/schema.ts';
import { redactResult } from '../core/redact.ts';
import { renderers } from '../report/render.ts';

/** A workflow command's message, escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value, escaped. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=...::message`, one line whatever the text holds. */
export function errorCommand(title: string, message: string): string {
  return `::error title=${escapeProperty(title)}::${escapeData(message)}`;
}

/** One annotation per failed gate: the gate as title, what was measured against what as message. */
export function gateAnnotations(verdicts: readonly GateVerdict[], runId: string): string[] {
  return verdicts
    .filter((v) => !v.passed)
    .map((v) => errorCommand(`loadgate gate failed: ${v.expr}`, `${v.reason ?? `${v.expr}: failed`}${v.window ? ` (${v.window})` : ''} [run ${runId}]`));
}

/** What publishing needs: the environment and where to write. */
export interface CiIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const processIo: CiIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };

/** Whether loadgate runs as a GitHub Actions step. */
export function inGitHubActions(env: CiIo['env']): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * Appends `markdown` to $GITHUB_STEP_SUMMARY and prints the annotations; nothing outside GitHub
 * Actions. A summary that cannot be written is a note on stderr, never a lost result or exit code.
 */
export async function publishToGitHub(markdown: string, annotations: readonly string[], io: CiIo = processIo): Promise<void> {
  if (!inGitHubActions(io.env)) return;
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') {
    io.stderr.write('note: GITHUB_ACTIONS is true but GITHUB_STEP_SUMMARY is not set: the summary was not added to the job page\n');
  } else {
    try {
      await appendFile(path, `${markdown.trimEnd()}\n\n`);
    } catch (err) {
      io.stderr.write(`note: cannot append the summary to $GITHUB_STEP_SUMMARY ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    }
  }
  for (const line of annotations) io.stdout.write(`${line}\n`);
}

/** A run's summary.md and failed-gate annotations (then `extra` ones), secrets redacted, to GitHub Actions. */
export function publishRun(result: RunResult, extra: readonly string[] = [], io: CiIo = processIo): Promise<void> {
  if (!inGitHubActions(io.env)) return Promise.resolve();
  const safe = redactResult(result);
  return publishToGitHub(renderers.markdown(safe), [...gateAnnotations(safe.gates ?? [], safe.runId), ...extra], io);
}
