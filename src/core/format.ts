/**
 * Number and time formatting shared by every renderer, so the terminal, summary.md and
 * report.html print the same figure the same way (a reader comparing two of them must not see
 * "12.3 ms" in one and "12.31" in the other).
 */

/** A count with thousands separators: 12,345. */
export function fmtCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

/** A latency in ms with precision that suits its size: 0.42 ms, 12.3 ms, 1,234 ms. */
export function fmtMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return `${fmtCount(value)} ms`;
  if (abs >= 100) return `${value.toFixed(0)} ms`;
  if (abs >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** A rate in requests per second: 99.8 rps. */
export function fmtRps(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value >= 1000 ? fmtCount(value) : value.toFixed(1)} rps`;
}

/** A ratio 0..1 as a percentage: 0.9731 -> 97.31%. */
export function fmtPct(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** `part` of `whole` as a percentage, '–' when whole is 0. */
export function fmtShare(part: number, whole: number): string {
  return whole > 0 ? fmtPct(part / whole) : '–';
}

/** A second offset from run start: 12 s. */
export function fmtSecond(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${Number.isInteger(value) ? value : value.toFixed(2)} s`;
}

/** A plain number without a unit, trimmed: 50, 12.5, '–'. */
export function fmtNum(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Number.isInteger(value) ? fmtCount(value) : String(Number(value.toFixed(3)));
}

/** A signed difference: +3, -2, 0. */
export function fmtSigned(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value > 0 ? `+${fmtCount(value)}` : fmtCount(value);
}

/** A range [lo, hi] with its unit: "95.0–104.2 rps". */
export function fmtRange(range: readonly [number, number] | null, fmt: (v: number) => string): string {
  return range === null ? '–' : `${fmt(range[0])} – ${fmt(range[1])}`;
}

/** An ISO instant trimmed for people: 2025-01-31 12:00:05Z. */
export function fmtIso(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
