/**
 * The one way infrastructure-code readers refuse a value: a UsageError naming the file, where in
 * it (a logical id, a Terraform address, an OpenAPI path) and the property, and what is wrong.
 * Nothing unsupported or unresolvable is guessed.
 */
import { UsageError } from '../errors.ts';

export function refuse(file: string, where: string, property: string | undefined, problem: string): UsageError {
  return new UsageError(`${file}: ${where}${property ? `: ${property}` : ''}: ${problem}`, { file, field: property ? `${where}.${property}` : where });
}

/** A number as infrastructure code writes it: a number, or a string of one (CloudFormation parameters are strings). */
export function numberOf(value: unknown, file: string, where: string, property: string, opts: { integer?: boolean } = {}): number {
  if (typeof value === 'object' && value !== null && 'error' in value && value.error instanceof Error) throw value.error;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0 || (opts.integer && !Number.isInteger(n))) {
    throw refuse(file, where, property, `${JSON.stringify(value)} is not ${opts.integer ? 'a whole number' : 'a number'} >= 0`);
  }
  return n;
}

/** A throttle from an optional rate and burst: one unset inherits from `parent` (AWS's -1 / absent rule, as aws/limits.ts reads it). */
export function throttleOf(rate: number | undefined, burst: number | undefined, parent: { rateRps: number; burst: number }): { rateRps: number; burst: number } | undefined {
  const r = rate !== undefined && rate >= 0 ? rate : undefined;
  const b = burst !== undefined && burst >= 0 ? burst : undefined;
  if (r === undefined && b === undefined) return undefined;
  return { rateRps: r ?? parent.rateRps, burst: Math.floor(b ?? parent.burst) };
}

/** The raw emulator config the readers build (validated afterwards by today's parseEmulatorConfig). */
export interface RawConfig {
  api: { type: 'rest' | 'http'; name: string; id: string };
  stages: Record<string, { throttle?: { rateRps: number; burst: number }; routes: Record<string, { throttle: { rateRps: number; burst: number } }> }>;
  routes: Record<string, { apiKeyRequired?: boolean; integration?: Record<string, unknown> }>;
  apiKeys: Record<string, { usagePlan: string }>;
  usagePlans: Record<string, { throttle?: { rateRps: number; burst: number }; methods?: Record<string, { rateRps: number; burst: number }>; quota?: { limit: number; period: string; offset: number } }>;
}
