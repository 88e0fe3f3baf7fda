/**
 * What GetUsage reports: the requests each API key had admitted, per UTC day, counted by the
 * emulator's request path at the moment the throttle model admitted them (so they are the very
 * requests the quota counts: handler.ts counts both at once). Remaining quota is worked out from
 * these counts with the quota rules of throttle/quota.ts (UTC calendar periods, `offset` in the
 * first period only).
 */
import type { QuotaSpec } from '../../core/limits.ts';
import { quotaPeriodIndex } from '../../throttle/quota.ts';

const DAY_MS = 86_400_000;

/** Admitted requests per API key and UTC day. */
export class UsageLedger {
  readonly #byKey = new Map<string, Map<number, number>>();
  readonly #originWallMs: number;

  /** `originWallMs`: when the emulator started, which makes its first quota period. */
  constructor(originWallMs: number) {
    this.#originWallMs = originWallMs;
  }

  /** One admitted request of `apiKey` at `wallMs`. */
  count(apiKey: string, wallMs: number): void {
    let days = this.#byKey.get(apiKey);
    if (days === undefined) this.#byKey.set(apiKey, (days = new Map()));
    const day = Math.floor(wallMs / DAY_MS);
    days.set(day, (days.get(day) ?? 0) + 1);
  }

  /**
   * `[used, remaining]` for each UTC day from `fromDay` to `toDay` (day numbers since the epoch),
   * as GetUsage's values: remaining is what the quota has left at the end of that day. A plan
   * without a quota has no ceiling and AWS documents no figure for it: we answer 0 (our choice,
   * docs/emulator.md "Management API").
   */
  daily(apiKey: string, fromDay: number, toDay: number, quota: QuotaSpec | undefined): [number, number][] {
    const days = this.#byKey.get(apiKey);
    const out: [number, number][] = [];
    for (let day = fromDay; day <= toDay; day++) {
      const used = days?.get(day) ?? 0;
      out.push([used, quota === undefined ? 0 : this.#remainingAfter(days, day, quota)]);
    }
    return out;
  }

  #remainingAfter(days: Map<number, number> | undefined, day: number, quota: QuotaSpec): number {
    const period = quotaPeriodIndex(quota.period, day * DAY_MS);
    const first = quotaPeriodIndex(quota.period, this.#originWallMs);
    let used = 0;
    for (const [d, n] of days ?? []) if (d <= day && quotaPeriodIndex(quota.period, d * DAY_MS) === period) used += n;
    return Math.max(0, quota.limit - (period === first ? quota.offset : 0) - used);
  }
}
