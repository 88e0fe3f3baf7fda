/**
 * Limits and emulator configs from infrastructure code, before anything is deployed:
 *
 *   cfn:<template.yaml|json>[#LogicalId]    CloudFormation / SAM (cfn.ts)
 *   openapi:<definition.yaml|json>          OpenAPI 3 with x-amazon-apigateway-* (openapi.ts)
 *   tf-plan:<plan.json>[#address]           `terraform show -json` of a plan (terraform.ts)
 *
 * Each reader builds a raw emulator config that goes through today's validation
 * (parseEmulatorConfig), so a value the emulator would refuse is refused here too, naming the file.
 * `--from FILE` (the emulator) tells the format from the content.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { parseEmulatorConfig, type EmulatorConfig } from '../emulator/config.ts';
import type { Limits } from '../core/limits.ts';
import { parseTemplateText } from './cfn-parse.ts';
import { configFromTemplate } from './cfn.ts';
import { configFromOpenApi, isOpenApi } from './openapi.ts';
import { refuse, type RawConfig } from './problem.ts';
import { configFromPlan, isTerraformPlan } from './terraform.ts';

export type IacFormat = 'cfn' | 'openapi' | 'tf-plan';

export interface IacSource {
  readonly format: IacFormat;
  readonly file: string;
  /** The API's logical id (cfn) or resource address (tf-plan), when the file has several. */
  readonly api?: string;
}

/** `cfn:t.yaml#Api`, `openapi:o.yaml`, `tf-plan:p.json#aws_api_gateway_rest_api.x`; undefined when not one of them. */
export function parseIacSource(spec: string): IacSource | undefined {
  const m = /^(cfn|openapi|tf-plan):(.+?)(?:#(.+))?$/.exec(spec.trim());
  if (!m) return undefined;
  if (m[1] === 'openapi' && m[3] !== undefined) throw UsageError.invalid(undefined, '--limits-from', spec, 'openapi:<file> (an OpenAPI file holds one API)');
  return { format: m[1] as IacFormat, file: m[2], api: m[3] };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
}

function parsed(text: string, file: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, { file });
    }
  }
  return parseTemplateText(text, file);
}

function detect(doc: unknown, file: string): IacFormat {
  if (isTerraformPlan(doc)) return 'tf-plan';
  if (isOpenApi(doc)) return 'openapi';
  if (typeof doc === 'object' && doc !== null && 'Resources' in doc) return 'cfn';
  throw new UsageError(`${file}: not a CloudFormation / SAM template (Resources), an OpenAPI definition (openapi) or a Terraform plan (format_version, planned_values)`, { file });
}

async function rawConfig(source: IacSource): Promise<RawConfig> {
  const doc = parsed(await readText(source.file), source.file);
  const format = source.format;
  if (detect(doc, source.file) !== format) throw new UsageError(`${source.file}: not ${format === 'cfn' ? 'a CloudFormation / SAM template' : format === 'openapi' ? 'an OpenAPI definition' : 'a Terraform plan (terraform show -json)'} (it looks like ${detect(doc, source.file)}:)`, { file: source.file });
  if (format === 'cfn') return configFromTemplate(doc, source.file, source.api);
  if (format === 'openapi') return configFromOpenApi(doc as Record<string, unknown>, source.file);
  return configFromPlan(doc, source.file, source.api);
}

/** The emulator config infrastructure code declares (`loadgate emulator --from FILE[#api]`). */
export async function emulatorConfigFromIac(fileSpec: string): Promise<EmulatorConfig> {
  const hash = fileSpec.lastIndexOf('#');
  const file = hash > 0 ? fileSpec.slice(0, hash) : fileSpec;
  const doc = parsed(await readText(file), file);
  return parseEmulatorConfig(await rawConfig({ format: detect(doc, file), file, api: hash > 0 ? fileSpec.slice(hash + 1) : undefined }), file);
}

/** The limits infrastructure code declares; refused when it declares no throttle at all. */
export async function limitsFromIac(source: IacSource): Promise<Limits> {
  const raw = await rawConfig(source);
  const limits = parseEmulatorConfig(raw, source.file).limits;
  const declared = Object.values(limits.stages).some((s) => s.throttle || Object.keys(s.routes).length > 0) || Object.values(limits.usagePlans).some((p) => p.throttle || p.quota || Object.keys(p.methods).length > 0);
  if (!declared) {
    const why = source.format === 'openapi' ? ' (OpenAPI has no throttle extension: API Gateway keeps throttles on the stage, in the SAM / CloudFormation / Terraform code)' : '';
    throw refuse(source.file, raw.api.id, undefined, `declares no throttle (no stage, route or usage-plan limit)${why}: nothing to check`);
  }
  return limits;
}
