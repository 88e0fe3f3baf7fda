/**
 * `loadgate capacity` flags -> SearchPlan and CapacityObjective, with defaults applied once and
 * one-line UsageErrors naming the flag and the value.
 */
import { UsageError } from '../errors.ts';
import { durationMs } from '../validate.ts';
import { DEFAULT_OBJECTIVE, type CapacityObjective } from './objective.ts';
import type { SearchPlan } from './search.ts';

/** The flags as commander hands them over (strings; undefined when not given). */
export interface CapacityFlags {
  readonly start?: string;
  readonly maxRate?: string;
  readonly stepDuration?: string;
  readonly factor?: string;
  readonly step?: string;
  readonly precision?: string;
  readonly rest?: string;
  readonly p99?: string;
  readonly maxErrorRate?: string;
  readonly maxUnexpected429?: string;
  readonly maxTotalRequests?: string;
  readonly maxDuration?: string;
}

/** Defaults of the search (docs/gates.md, `loadgate capacity --help`). */
export const CAPACITY_DEFAULTS = Object.freeze({
  startRps: 100,
  maxRps: 5000,
  stepDurationMs: 10_000,
  factor: 1.5,
  precision: 0.05,
  maxTotalRequests: 1_000_000,
  maxDurationMs: 5 * 60_000,
});

function positive(value: string | undefined, flag: string, fallback: number, opts: { integer?: boolean; above?: number } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const min = opts.above ?? 0;
  if (value.trim() === '' || !Number.isFinite(n) || n <= min || (opts.integer && !Number.isInteger(n))) {
    throw UsageError.invalid(undefined, flag, value, `${opts.integer ? 'an integer' : 'a number'} > ${min}`);
  }
  return n;
}

/** `1%` or `0.01` -> 0.01. */
export function share(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw UsageError.invalid(undefined, flag, value, 'a percentage such as 1% or a share 0..1');
  return n;
}

function duration(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = durationMs(value, { file: undefined, field: flag });
  if (ms <= 0) throw UsageError.invalid(undefined, flag, value, 'a duration > 0 such as 10s');
  return ms;
}

/** The search plan from the flags; `restMs` comes from the scenario's limits unless --rest is given. */
export function planFromFlags(flags: CapacityFlags, restMs: number): SearchPlan {
  if (flags.factor !== undefined && flags.step !== undefined) throw new UsageError('--factor and --step: choose one (geometric or linear growth)', { field: '--factor' });
  const startRps = positive(flags.start, '--start', CAPACITY_DEFAULTS.startRps);
  const maxRps = positive(flags.maxRate, '--max-rate', CAPACITY_DEFAULTS.maxRps);
  if (maxRps < startRps) throw UsageError.invalid(undefined, '--max-rate', flags.maxRate, `a rate >= --start (${startRps})`);
  const growth = flags.step !== undefined ? { stepRps: positive(flags.step, '--step', 0) } : { factor: positive(flags.factor, '--factor', CAPACITY_DEFAULTS.factor, { above: 1 }) };
  const precision = share(flags.precision, '--precision', CAPACITY_DEFAULTS.precision);
  if (precision === 0) throw UsageError.invalid(undefined, '--precision', flags.precision, 'a share > 0 such as 5%');
  return {
    startRps,
    maxRps,
    growth,
    precision,
    stepDurationMs: duration(flags.stepDuration, '--step-duration', CAPACITY_DEFAULTS.stepDurationMs),
    restMs: flags.rest !== undefined ? durationMs(flags.rest, { file: undefined, field: '--rest' }) : restMs,
    maxTotalRequests: positive(flags.maxTotalRequests, '--max-total-requests', CAPACITY_DEFAULTS.maxTotalRequests, { integer: true }),
    maxDurationMs: duration(flags.maxDuration, '--max-duration', CAPACITY_DEFAULTS.maxDurationMs),
  };
}

/** The objective from the flags. */
export function objectiveFromFlags(flags: CapacityFlags): CapacityObjective {
  return {
    p99Ms: flags.p99 === undefined ? undefined : duration(flags.p99, '--p99', 0),
    maxErrorRate: share(flags.maxErrorRate, '--max-error-rate', DEFAULT_OBJECTIVE.maxErrorRate),
    maxUnexpected429Rate: share(flags.maxUnexpected429, '--max-unexpected-429', DEFAULT_OBJECTIVE.maxUnexpected429Rate),
    minAchievedShare: DEFAULT_OBJECTIVE.minAchievedShare,
  };
}
