/**
 * `--limits-from SOURCE`: from AWS (`aws:rest:<id>/<stage>`, `aws:http:<id>/<stage>`, read with
 * the SDK) or from infrastructure code (`cfn:`, `openapi:`, `tf-plan:`, read from the file).
 * Each reader loads only when its source is asked for: the API Gateway SDK clients and the YAML
 * parser are most of a command's start-up, and most runs read neither (docs/architecture.md "Packaging").
 */
import type { AwsLimitsOptions } from '../aws/limits.ts';
import type { Limits } from '../core/limits.ts';

const IAC_PREFIX = /^\s*(cfn|openapi|tf-plan):/;

export async function limitsFrom(spec: string, opts: AwsLimitsOptions = {}): Promise<Limits> {
  if (IAC_PREFIX.test(spec)) {
    const { limitsFromIac, parseIacSource } = await import('./source.ts');
    const iac = parseIacSource(spec);
    if (iac) return limitsFromIac(iac);
  }
  // Anything else is an aws: source or a typo, which parseLimitsFrom refuses naming every form.
  const { limitsFromAws, parseLimitsFrom } = await import('../aws/limits.ts');
  return limitsFromAws(parseLimitsFrom(spec), opts);
}
