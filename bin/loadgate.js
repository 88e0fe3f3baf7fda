#!/usr/bin/env node
// Loads the TypeScript sources through tsx, so the CLI and users' .ts scenarios run with no build step.
import { register } from 'tsx/esm/api';

// package-lock.json pins the AWS SDK versions that were tested on Node 20; its notice about
// future releases needing Node 22 would only clutter every run's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../src/cli/main.ts');
