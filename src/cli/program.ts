/**
 * The `loadgate` program: builds the commander tree and maps every failure to an exit code
 * (docs/exit-codes.md): a usage error is one line on stderr and exit 2, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { isLoadgateError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { EXIT } from '../core/exit-codes.ts';
import { exitCodesHelp } from './exit-codes.ts';
import { runCommand } from './run.ts';
import { emulatorCommand } from './emulator.ts';
import { verifyCommand } from './verify.ts';
import { reportCommand } from './report.ts';
import { metricsCommand } from './metrics.ts';
import { compareCommand } from './compare.ts';
import { capacityCommand } from './capacity.ts';
import { mergeCommand } from './split-run.ts';
import { k8sCommand } from './k8s.ts';

export function buildProgram(): Command {
  const program = new Command('loadgate')
    .description('Open-loop load testing and throttle verification for AWS API Gateway and HTTP APIs')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const make of [runCommand, verifyCommand, emulatorCommand, reportCommand, metricsCommand, compareCommand, capacityCommand, mergeCommand, k8sCommand]) {
    const command = make();
    // addCommand does not pass exitOverride and output settings down
    // (docs/architecture.md "Library pitfalls").
    command.copyInheritedSettings(program);
    command.commands.forEach((sub) => sub.copyInheritedSettings(command));
    command.addHelpText('after', exitCodesHelp());
    program.addCommand(command);
  }
  program.addHelpText(
    'after',
    `
Examples:
  loadgate run scenarios/quickstart.ts            run a scenario (the embedded emulator is the default target)
  loadgate run --target http://127.0.0.1:8080 --rps 200 --duration 10s
  loadgate verify --target http://127.0.0.1:8080/prod --rate 100 --burst 50
  loadgate emulator --config scenarios/emulator/shop.json
  loadgate report reports/<run-id>/result.json
${exitCodesHelp()}`,
  );
  return program;
}

/** Runs the program on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    return exitCodeForError(err);
  } finally {
    process.exitCode = undefined;
  }
}

function exitCodeForError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through exitOverride too; commander has printed them already.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE;
  }
  if (isLoadgateError(err)) {
    process.stderr.write(`loadgate: ${err.message}\n`);
    return err.exitCode;
  }
  return reportInternalError(err);
}

/** A bug: one line naming it (exit 4, never 1, so CI tells "the tool broke" from "the API is slow"). */
export function reportInternalError(err: unknown): number {
  const e = err as Error;
  const message = String(e?.message ?? err).split('\n')[0];
  process.stderr.write(`loadgate: internal error: ${message} (a bug in loadgate; set LOADGATE_DEBUG=1 for the stack)\n`);
  if (process.env.LOADGATE_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return EXIT.INTERNAL;
}
