/**
 * Execution segments: one scenario's arrivals split into N parts so that the parts add up to
 * the single-process schedule exactly (docs/scale-out.md; after k6's lib/execution_segment.go).
 *
 *   arrival index  0  1  2  3  4  5  6  7  8 ...     part i of N owns every index g with
 *   part 0/3       ●        ●        ●               g mod N = i, at the SAME intended time
 *   part 1/3          ●        ●        ●            the unsplit schedule gives g: nothing is
 *   part 2/3             ●        ●        ●         rescaled, so bursts stay bursts (each part
 *                                                     holds ~1/N of every burst, at its instant).
 *
 * k6 stripes segments of any rational length (a sequence like 0,1/3,1): the LCD of the
 * lengths, then each segment takes its numerator's share of every LCD elements, spread as far
 * apart as possible. For N equal parts that algorithm gives exactly "g mod N", which is what
 * `--segment i/N` needs; unequal shares are left out until a scheduler needs them.
 *
 * Each part walks the whole cursor (an O(1) next() per arrival) and keeps its own, so Poisson
 * times, which depend on every draw before them, are the unsplit ones. The request for an
 * arrival is a pure function of (seed, global index) (load/request-factory.ts), so the part
 * asks the factory for the global index: a split run sends the same requests as one process.
 */
import { UsageError } from '../errors.ts';
import type { ArrivalCursor, PreparedRequest, RequestFactory } from './inputs.ts';

/** Part `index` (0-based) of `count` equal parts. */
export interface Segment {
  readonly index: number;
  readonly count: number;
}

/** The most parts a run may be split into (a check against typos such as 0/10000000). */
export const MAX_PARTS = 4096;

/** `"i/N"` (0 <= i < N <= MAX_PARTS) -> Segment; a one-line UsageError naming `field` otherwise. */
export function parseSegment(text: string, field = '--segment'): Segment {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !(count >= 1 && count <= MAX_PARTS) || !(index < count)) {
    throw UsageError.invalid(undefined, field, text, `i/N with 0 <= i < N <= ${MAX_PARTS} (part i of N, e.g. 0/4)`);
  }
  return Object.freeze({ index, count });
}

export function formatSegment(segment: Segment): string {
  return `${segment.index}/${segment.count}`;
}

/** The part that owns global arrival `arrivalIndex`. */
export function partOf(arrivalIndex: number, parts: number): number {
  return arrivalIndex % parts;
}

/** The global arrival index of a part's `localIndex`-th arrival. */
export function globalArrivalIndex(localIndex: number, segment: Segment): number {
  return segment.index + localIndex * segment.count;
}

/** How many of `totalArrivals` (indices 0 .. total-1) belong to `segment`. */
export function arrivalsInSegment(totalArrivals: number, segment: Segment): number {
  return totalArrivals > segment.index ? Math.floor((totalArrivals - 1 - segment.index) / segment.count) + 1 : 0;
}

/** The part's arrivals: the unsplit cursor's times of the indices `segment` owns, in order. */
export function segmentCursor(whole: ArrivalCursor, segment: Segment): ArrivalCursor {
  let nextGlobal = 0;
  return {
    next(): number {
      for (;;) {
        const atMs = whole.next();
        if (atMs === Infinity) return atMs;
        const owned = partOf(nextGlobal, segment.count) === segment.index;
        nextGlobal++;
        if (owned) return atMs;
      }
    },
  };
}

/** The part's requests: its local arrival k gets the request of global arrival index + k x count. */
export function segmentFactory(whole: RequestFactory, segment: Segment): RequestFactory {
  return {
    prepare(localIndex: number): PreparedRequest {
      return whole.prepare(globalArrivalIndex(localIndex, segment));
    },
  };
}
