#!/usr/bin/env node
// The `loadgate` bin. Installed from the package it runs the compiled dist/; in a clone (src/ is
// there, the package does not ship it) it loads the TypeScript sources through tsx, so development
// needs no build step and never runs a stale dist/. `--version` and the top-level `--help` answer
// before either loads: importing the CLI and the AWS SDK takes most of a second.
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
  // bin/top-help.txt is commander's own output; test/package/fast-start.test.ts keeps them equal.
  process.stdout.write(readFileSync(new URL('./top-help.txt', import.meta.url), 'utf8'));
} else {
  // package-lock.json pins the AWS SDK versions that were tested on Node 20; its notice about
  // future releases needing Node 22 would only clutter every run's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/cli/main.ts');
  } else {
    await import('../dist/cli/main.js');
  }
}
