/**
 * The published JSON Schemas (schemas/*.schema.json, scripts/build-schemas.mjs writes them), each
 * generated from the zod schema that also checks the documents, so the two cannot disagree
 * (test/schema/json-schemas.test.ts). Editors read them through `"$schema"` or their settings.
 */
import { z } from 'zod';
import { runResultSchema } from '../result/zod-schema.ts';
import { emulatorConfigSchema } from './emulator-config.ts';
import { limitsSchema } from './limits.ts';
import { scenarioSchema } from './scenario.ts';

export const DOCUMENTS = {
  scenario: { schema: scenarioSchema, io: 'input', title: 'loadgate scenario (JSON form)' },
  'emulator-config': { schema: emulatorConfigSchema, io: 'input', title: 'loadgate emulator config (loadgate emulator --config FILE)' },
  limits: { schema: limitsSchema, io: 'input', title: 'loadgate limits (--limits FILE, a scenario\'s limits)' },
  result: { schema: runResultSchema, io: 'output', title: 'loadgate result.json' },
} as const;

export type DocumentName = keyof typeof DOCUMENTS;

/** The JSON Schema of one document kind, as written to schemas/<name>.schema.json. */
export function jsonSchemaOf(name: DocumentName): Record<string, unknown> {
  const { schema, io, title } = DOCUMENTS[name];
  // `unrepresentable: 'any'`: a body or a canned answer may be any JSON value.
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title, ...rest };
}

/** The file's text: stable, 2-space JSON with a final newline. */
export function jsonSchemaText(name: DocumentName): string {
  return `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`;
}
