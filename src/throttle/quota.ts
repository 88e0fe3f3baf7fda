/**
 * A usage-plan quota for one API key: `limit` admitted requests per UTC calendar period
 * (DAY from 00:00, WEEK from Sunday 00:00, MONTH from the 1st; docs/architecture.md "Quotas").
 * `offset` is subtracted from the limit in the first period only, as AWS documents it.
 * Only admitted requests count (whether 429s count is open in AWS's docs).
 */
import type { QuotaPeriod, QuotaSpec } from '../core/limits.ts';

const DAY_MS = 86_400_000;

/** Index of the UTC calendar period containing `wallMs`; equal indices = same period. */
export function quotaPeriodIndex(period: QuotaPeriod, wallMs: number): number {
  const day = Math.floor(wallMs / DAY_MS);
  switch (period) {
    case 'DAY':
      return day;
    case 'WEEK':
      // 1970-01-01 was a Thursday; +4 puts Sunday at a multiple of 7.
      return Math.floor((day + 4) / 7);
    case 'MONTH': {
      const d = new Date(wallMs);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
  }
}

/** Wall-clock epoch ms at which the period containing `wallMs` ends. */
export function quotaPeriodEndMs(period: QuotaPeriod, wallMs: number): number {
  const index = quotaPeriodIndex(period, wallMs);
  switch (period) {
    case 'DAY':
      return (index + 1) * DAY_MS;
    case 'WEEK':
      return ((index + 1) * 7 - 4) * DAY_MS;
    case 'MONTH':
      return Date.UTC(Math.floor((index + 1) / 12), (index + 1) % 12, 1);
  }
}

export class QuotaCounter {
  readonly spec: QuotaSpec;
  readonly #firstPeriod: number;
  #period: number;
  #used = 0;

  constructor(spec: QuotaSpec, originWallMs: number) {
    this.spec = spec;
    this.#firstPeriod = quotaPeriodIndex(spec.period, originWallMs);
    this.#period = this.#firstPeriod;
  }

  #roll(wallMs: number): void {
    const period = quotaPeriodIndex(this.spec.period, wallMs);
    if (period !== this.#period) {
      this.#period = period;
      this.#used = 0;
    }
  }

  /** Requests still allowed in the period containing `wallMs`. */
  remaining(wallMs: number): number {
    this.#roll(wallMs);
    const limit = this.spec.limit - (this.#period === this.#firstPeriod ? this.spec.offset : 0);
    return Math.max(0, limit - this.#used);
  }

  hasRoom(wallMs: number): boolean {
    return this.remaining(wallMs) > 0;
  }

  count(wallMs: number): void {
    this.#roll(wallMs);
    this.#used += 1;
  }
}
