#!/usr/bin/env node
/** The `loadgate` bin: run the program, exit with its code. */
import { main } from './program.ts';

process.exit(await main(process.argv.slice(2)));
