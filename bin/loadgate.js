#!/usr/bin/env node
// Loads the TypeScript sources through tsx, so the CLI and users' .ts scenarios run with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
