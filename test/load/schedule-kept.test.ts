import { describe, expect, it } from 'vitest';
import { judgeSchedule, type ScheduleFacts } from '../../src/load/schedule-kept.ts';

const fine: ScheduleFacts = { dropped: 0, sent: 1000, plannedArrivals: 1000, sendLagP99Ms: 1, inFlightCap: { limit: 2000, from: 'maxInFlight' } };

describe('judgeSchedule (docs/architecture.md "Schedule kept")', () => {
  it.each<{ why: string; facts: Partial<ScheduleFacts>; kept: boolean; says?: RegExp }>([
    { why: 'everything sent on time', facts: {}, kept: true },
    { why: 'one drop is enough to fail', facts: { dropped: 1, sent: 999 }, kept: false, says: /1 arrivals dropped at the in-flight cap of 2000 \(set by --max-in-flight/ },
    { why: 'the cap named is the one in force', facts: { dropped: 5, inFlightCap: { limit: 50, from: 'connections' } }, kept: false, says: /cap of 50 \(set by --connections/ },
    { why: '99% sent is kept', facts: { sent: 990 }, kept: true },
    { why: 'below 99% is not', facts: { sent: 989 }, kept: false, says: /sent 989 of 1000 planned arrivals \(98\.9%/ },
    { why: 'a plan of 2.5 arrivals that sent 2 is kept', facts: { sent: 2, plannedArrivals: 2.5 }, kept: true },
    { why: 'lag p99 at the threshold is kept', facts: { sendLagP99Ms: 5 }, kept: true },
    { why: 'lag p99 over it is not', facts: { sendLagP99Ms: 5.1 }, kept: false, says: /send lag p99 5\.1 ms \(over 5 ms\)/ },
  ])('$why', ({ facts, kept, says }) => {
    const j = judgeSchedule({ ...fine, ...facts });
    expect(j.kept).toBe(kept);
    expect(j.notKept.length === 0).toBe(kept);
    if (says) expect(j.notKept.join('; ')).toMatch(says);
  });
});
