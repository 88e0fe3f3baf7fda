/**
 * docs/architecture.md "Schedule kept": kept = no arrival dropped, achieved >= 99% of the
 * target, and send-lag p99 <= SCHEDULE_KEPT_LAG_P99_MS over arrivals outside instant bursts.
 * A run that breaks any of them exits 3 unless the user opted out (`--allow-unkept-schedule`,
 * `options.requireSchedule: false`), and every report says so first.
 */
import { SCHEDULE_KEPT_LAG_P99_MS, type RunResult } from '../result/schema.ts';
import type { InFlightCap } from './run-load.ts';

/** The least share of the planned arrivals that must be sent. */
export const SCHEDULE_KEPT_ACHIEVED = 0.99;

export interface ScheduleFacts {
  readonly dropped: number;
  readonly sent: number;
  /** Arrivals the plan holds up to the end of the measured window. */
  readonly plannedArrivals: number;
  readonly sendLagP99Ms: number;
  readonly inFlightCap: InFlightCap;
}

export interface ScheduleJudgement {
  readonly kept: boolean;
  /** One clause per broken condition, most important first. */
  readonly notKept: readonly string[];
}

/** Where a cap came from, as a user would find it again. */
export function capOrigin(cap: InFlightCap): string {
  return cap.from === 'connections' ? '--connections / options.connections' : '--max-in-flight / options.maxInFlight (default 2000)';
}

export function judgeSchedule(f: ScheduleFacts): ScheduleJudgement {
  const notKept: string[] = [];
  if (f.dropped > 0) {
    notKept.push(`${f.dropped} arrivals dropped at the in-flight cap of ${f.inFlightCap.limit} (set by ${capOrigin(f.inFlightCap)})`);
  }
  // Whole arrivals: a plan of 2.5 arrivals sends 2, and that is kept.
  const needed = Math.floor(SCHEDULE_KEPT_ACHIEVED * Math.floor(f.plannedArrivals));
  if (f.sent < needed) {
    const pct = f.plannedArrivals > 0 ? ((100 * f.sent) / f.plannedArrivals).toFixed(1) : '0';
    notKept.push(`sent ${f.sent} of ${Math.floor(f.plannedArrivals)} planned arrivals (${pct}%, below ${SCHEDULE_KEPT_ACHIEVED * 100}%)`);
  }
  if (f.sendLagP99Ms > SCHEDULE_KEPT_LAG_P99_MS) {
    notKept.push(`send lag p99 ${f.sendLagP99Ms.toFixed(1)} ms (over ${SCHEDULE_KEPT_LAG_P99_MS} ms): arrivals went out later than planned`);
  }
  return { kept: notKept.length === 0, notKept };
}

/**
 * Whether an unkept schedule fails this run (exit 3): `loadgate run` only, unless it opted out.
 * `verify` and `capacity` judge timing their own way (decision-time model, step holds) and keep
 * their exit codes; their reports still say the schedule was not kept.
 */
export function unkeptScheduleFails(result: Pick<RunResult, 'kind' | 'schedule'>): boolean {
  return result.kind === 'run' && result.schedule.kept === false && result.schedule.required !== false;
}
