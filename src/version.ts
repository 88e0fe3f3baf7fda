/** loadgate's version and its optional peer dependencies, read once from package.json. */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string; peerDependencies: Record<string, string> };
export const VERSION: string = pkg.version;
/** name -> the version range loadgate was tested with, for the line that says how to install one. */
export const OPTIONAL_PEERS: Readonly<Record<string, string>> = pkg.peerDependencies;
