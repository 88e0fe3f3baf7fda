#!/usr/bin/env node
/** The `loadgate` bin: run the program, exit with its code. */
import { main, reportInternalError } from './program.ts';

// An error thrown outside the command's promise (a timer, a stream) is still a bug: exit 4, one line.
const crash = (err: unknown) => process.exit(reportInternalError(err));
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

process.exit(await main(process.argv.slice(2)));
