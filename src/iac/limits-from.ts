/**
 * `--limits-from SOURCE`: from AWS (`aws:rest:<id>/<stage>`, `aws:http:<id>/<stage>`, read with
 * the SDK) or from infrastructure code (`cfn:`, `openapi:`, `tf-plan:`, read from the file).
 */
import { limitsFromAws, parseLimitsFrom, type AwsLimitsOptions } from '../aws/limits.ts';
import type { Limits } from '../core/limits.ts';
import { limitsFromIac, parseIacSource } from './source.ts';


export async function limitsFrom(spec: string, opts: AwsLimitsOptions = {}): Promise<Limits> {
  const iac = parseIacSource(spec);
  return iac ? limitsFromIac(iac) : limitsFromAws(parseLimitsFrom(spec), opts);
}
