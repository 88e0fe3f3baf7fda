/**
 * RunResult: the one record of a run (result.json). Every later stage (throttle analysis,
 * CloudWatch, gates, reports) reads a RunResult and returns a new section; reports read only this.
 * All times inside are ms since run start unless the name says `Iso`; latencies are ms floats.
 */
import type { ApiType } from '../api/flavours.ts';
import type { Layer, Limits } from '../core/limits.ts';

export const SCHEMA_VERSION = 1 as const;

/**
 * Send lag p99 above which a run did not keep its schedule: results carry a note and reports a
 * warning. An instant burst of N takes N sends of tens of µs each, so a few ms is its nature.
 */
export const SCHEDULE_KEPT_LAG_P99_MS = 5;

/**
 * result.json `latencyAllMs`: percentiles over every scheduled arrival; null = beyond every
 * answer (record/all-requests.ts computes it).
 */
export interface AllRequestsLatency {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
  /** Arrivals counted: recorded outcomes + never answered. */
  readonly count: number;
  /** Dropped at the in-flight cap, or unanswered when the run ended. */
  readonly neverAnswered: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
  /** Number of values recorded. */
  readonly count: number;
}

export interface ErrorsByKind {
  readonly refused: number;
  readonly reset: number;
  readonly timeout: number;
  readonly dns: number;
  readonly tls: number;
  readonly other: number;
}
export type ErrorKind = keyof ErrorsByKind;

/** 429s by origin: throttle ("Too Many Requests"), quota ("Limit Exceeded"), anything else. */
export interface Status429ByOrigin {
  readonly throttle: number;
  readonly quota: number;
  readonly other: number;
}

export interface Totals {
  /** Arrivals the schedule planned up to the end (or interruption) of the run. */
  readonly scheduled: number;
  readonly sent: number;
  /** Arrivals never sent because the in-flight cap was reached. */
  readonly dropped: number;
  /** Requests that got an HTTP response. */
  readonly completed: number;
  /** Requests that got no HTTP response. */
  readonly errors: number;
  readonly errorsByKind: ErrorsByKind;
  /** Responses by status code, keys are the code as a string. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly status429ByOrigin: Status429ByOrigin;
  /** Requests still unanswered when the run ended (interrupted or grace expired). */
  readonly unfinished: number;
}

export interface ScheduleSummary {
  /** Mean planned rate over the scheduled duration. */
  readonly targetRps: number;
  /** sent / scheduled duration (the drain of the last responses not included). */
  readonly achievedRps: number;
  readonly durationS: number;
  /** One line per phase, e.g. "ramp 10→200 rps over 60 s". */
  readonly phases: readonly string[];
  /** Actual minus intended send time, arrivals outside instant bursts (docs/architecture.md "Schedule kept"). */
  readonly sendLagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly seed: number;
  /** Time to hand out instant bursts: lag of each burst arrival after the first; absent in older results. */
  readonly burstDispatchMs?: { readonly p50: number; readonly p99: number; readonly max: number; readonly count: number };
  /** Whether the schedule was kept, and if not why (load/schedule-kept.ts); absent in older results. */
  readonly kept?: boolean;
  /** false when the run opted out of failing on an unkept schedule (`--allow-unkept-schedule`, `options.requireSchedule: false`). */
  readonly required?: boolean;
  /** Why not kept, one clause each ("120 arrivals dropped at the in-flight cap (50, from connections)"). */
  readonly notKept?: readonly string[];
  /** The in-flight cap in force and the option that set it. */
  readonly inFlightCap?: { readonly limit: number; readonly from: 'connections' | 'maxInFlight' };
  /** The code warm-up before time 0: requests to an in-process sink, none to the target; null when off. */
  readonly warmUp?: { readonly sinkRequests: number; readonly durationMs: number } | null;
  /** CPU time (user + system) of the loadgate process from time 0 to the end of the drain, ms: the cost of the load itself. */
  readonly cpuMs?: number;
  /**
   * Connection set-up times to the target (TCP, and TLS where there is one; k6's http_req_connecting),
   * for connections opened before time 0 and during the run; never part of send lag. Absent in older results.
   */
  readonly connectMs?: { readonly warm: ConnectTimes; readonly duringRun: ConnectTimes };
}

/** Set-up times of some connections, ms; all 0 when count is 0. */
export interface ConnectTimes {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One second of the run, by send time (dropped arrivals by intended time). */
export interface TimelineRow {
  readonly second: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly dropped: number;
  /** 2xx and 3xx responses. */
  readonly ok: number;
  /** throttle + quota 429s. */
  readonly throttled: number;
  readonly status429Other: number;
  /** 4xx other than 429. */
  readonly clientErrors: number;
  readonly serverErrors: number;
  /** Requests with no HTTP response. */
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** This second's latency histogram (from intended time), hdr-histogram-js compressed base64. */
  readonly latencyHistogram: string;
}

export interface RouteStats {
  readonly route: string;
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly latencyMs: Percentiles;
  /** The route's latency histogram (µs, compressed base64), for `latency.pNN{route:...}`; absent in older results. */
  readonly latencyUs?: string;
  /** The route's own seconds (dropped arrivals have no route: `dropped` is 0), for per-route windowed gates; absent in older results. */
  readonly timeline?: readonly TimelineRow[];
}

/** The whole-run histograms, compressed base64 (hdr-histogram-js, µs, 3 significant digits). */
export interface EncodedHistograms {
  readonly latencyUs: string;
  readonly serviceTimeUs: string;
  readonly sendLagUs: string;
  /** Answered and failed requests, from the intended time (the all-requests view); absent in older results. */
  readonly latencyAllUs?: string;
}

/**
 * The throttle verdict (throttle/verdict.ts, docs/throttling.md): `pass` every bucket the traffic
 * exercised behaved as declared, and the run could have told otherwise; `fail` one did not;
 * `inconclusive` throttling was seen but the run could not place rate or burst; `not-exercised`
 * neither predicted nor observed throttling anywhere (the run could not test the limits);
 * `no-response` nothing was answered.
 */
export type ThrottleVerdict = 'pass' | 'fail' | 'inconclusive' | 'not-exercised' | 'no-response';

/** The smallest declaration errors this run would have caught; null where it could not tell. */
export interface DetectionPower {
  /** A declared rate off by this share or more would have failed. */
  readonly rateRelative: number | null;
  /** A declared burst off by this many requests or more would have failed. */
  readonly burst: number | null;
}

/** One bucket the run's traffic went through, judged on its own requests. */
export interface BucketVerdict {
  /** The binding bucket's label: `stage prod, GET /slow (override)`. */
  readonly label: string;
  readonly layer: Layer;
  /** The declared bucket that binds these requests (lowest rate on their path, and its burst). */
  readonly declared: { readonly rateRps: number; readonly burst: number };
  /** Route keys (and key ids) whose requests share this bucket. */
  readonly routes: readonly string[];
  readonly requests: number;
  readonly verdict: ThrottleVerdict;
  readonly reason: string;
  readonly rate: { readonly verdict: 'pass' | 'fail' | 'untested'; readonly reason: string };
  readonly burst: { readonly verdict: 'pass' | 'fail' | 'untested'; readonly reason: string };
  readonly detection: DetectionPower;
  readonly predicted: { readonly accepted: number; readonly throttled: number };
  readonly observed: { readonly accepted: number; readonly throttled: number };
  /** Largest gap between predicted and observed accepted running totals, and when (s). */
  readonly largestGap: { readonly requests: number; readonly atS: number } | null;
  readonly inferred: Inference;
}

export interface ThrottleSection {
  readonly limits: Limits;
  readonly stage: string | undefined;
  readonly verdict: ThrottleVerdict;
  /** Why the verdict is what it is, one line. */
  readonly reason: string;
  /** What this run could detect, for the bucket that decides the verdict. */
  readonly detection: DetectionPower;
  /** Every bucket the traffic went through, most requests first. */
  readonly buckets: readonly BucketVerdict[];
  readonly predicted: { readonly accepted: number; readonly throttled: number };
  readonly observed: { readonly accepted: number; readonly throttled: number };
  /** 1 - the largest gap between predicted and observed accepted running totals / compared (a figure, not the judge). */
  readonly agreement: number;
  readonly firstThrottledS: { readonly predicted: number | null; readonly observed: number | null };
  readonly perSecond: readonly { readonly second: number; readonly predictedAccepted: number; readonly observedAccepted: number; readonly observedThrottled: number }[];
  readonly inferred: Inference;
  readonly tolerance: Tolerance;
}

export interface Inference {
  /** 'token-bucket' when a bucket explains what was seen, 'none' when nothing was throttled. */
  readonly kind: 'token-bucket' | 'no-throttling' | 'not-a-token-bucket' | 'insufficient-data';
  readonly rateRps: number | null;
  readonly burst: number | null;
  /** Every rate (rps) a token bucket explaining the data can have; null when none was found. */
  readonly rateRange: readonly [number, number] | null;
  /** Every burst such a bucket can have (whole requests, inclusive). */
  readonly burstRange: readonly [number, number] | null;
  /** The parameters this traffic could not pin down, each with what traffic would. */
  readonly unidentified: readonly UnidentifiedParameter[];
  /** The gateway's decision delay after the send that inference estimated (ms); null when not estimated. */
  readonly decisionDelayMs: number | null;
  readonly note: string;
}

/** A bucket parameter the run's traffic could not identify (Inference.unidentified). */
export interface UnidentifiedParameter {
  readonly parameter: 'rate' | 'burst';
  /** Why not, one clause: "the traffic was never held above the limit for a second". */
  readonly why: string;
  /** What traffic would identify it: "hold at least 1.2 × the rate for 3 s". */
  readonly traffic: string;
}

export interface Tolerance {
  /** 'emulator' (tight) or 'aws' (best effort, wide) or 'custom'. */
  readonly profile: 'emulator' | 'aws' | 'custom';
  readonly minAgreement: number;
  /** Allowed relative error of the inferred rate. */
  readonly rateRelative: number;
  /** Allowed absolute error of the inferred burst. */
  readonly burstAbsolute: number;
}

export interface CloudWatchMinute {
  /** Start of the minute, ISO. */
  readonly minuteIso: string;
  readonly client: { readonly requests: number; readonly status4xx: number; readonly status429: number; readonly status5xx: number; readonly latencyAvgMs: number | null };
  readonly gateway: {
    readonly count: number | null;
    readonly error4xx: number | null;
    readonly error5xx: number | null;
    readonly latencyAvgMs: number | null;
    readonly latencyP50Ms: number | null;
    readonly latencyP90Ms: number | null;
    readonly latencyP99Ms: number | null;
    readonly integrationLatencyAvgMs: number | null;
  };
  /** gateway - client; null when the gateway had no datapoint. */
  readonly countDiff: number | null;
  /** Requests in flight across this minute's boundaries: a diff within this is not a loss. */
  readonly inFlightAtBoundary: number;
}

export interface CloudWatchSection {
  readonly status: 'ok' | 'unavailable' | 'skipped';
  readonly reason: string;
  readonly source: 'emulator' | 'aws' | null;
  readonly namespace: 'AWS/ApiGateway';
  readonly dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly minutes: readonly CloudWatchMinute[];
  readonly reconciliation: {
    readonly clientRequests: number;
    readonly gatewayCount: number;
    readonly difference: number;
    readonly explainedByInFlight: number;
    readonly matched: boolean;
    readonly gatewayOverheadMs: number | null;
  } | null;
}

export interface GateVerdict {
  readonly expr: string;
  readonly passed: boolean;
  /** The measured value the gate compared (for a per-window gate: the worst window's). */
  readonly actual: number | string | null;
  readonly threshold: string;
  readonly window?: string;
  readonly reason?: string;
}

export interface RunResult {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly runId: string;
  readonly tool: { readonly name: 'loadgate'; readonly version: string };
  readonly scenario: { readonly name: string; readonly file: string | null; readonly target: string; readonly apiType: ApiType | 'unknown' };
  /** The command that produced this result. */
  readonly kind: 'run' | 'verify' | 'capacity';
  readonly startedAtIso: string;
  readonly endedAtIso: string;
  readonly interrupted: boolean;
  readonly interruptReason: string | null;
  /** One-line warnings for the reader (target down, schedule not kept, ...). */
  readonly notes: readonly string[];
  readonly totals: Totals;
  readonly schedule: ScheduleSummary;
  /** From the intended send time (coordinated omission corrected). */
  readonly latencyMs: Percentiles;
  /** From the actual send. */
  readonly serviceTimeMs: Percentiles;
  /** Over every scheduled arrival: failures at their time, dropped and unanswered beyond every value (record/all-requests.ts). */
  readonly latencyAllMs?: AllRequestsLatency;
  readonly histograms: EncodedHistograms;
  readonly timeline: readonly TimelineRow[];
  readonly routes: readonly RouteStats[];
  /** Present when limits were declared (scenario, --limits, --limits-from). */
  readonly throttle?: ThrottleSection;
  readonly cloudwatch: CloudWatchSection;
  /** Present when gates were evaluated. */
  readonly gates?: readonly GateVerdict[];
  readonly passed?: boolean;
  /** Present for `loadgate capacity`. */
  readonly capacity?: CapacitySection;
  /** Present for `loadgate verify`: declared vs measured. */
  readonly verify?: VerifySection;
  /** Present when loadgate started the emulator for the run: did the emulator itself hold up? */
  readonly emulator?: EmulatorSection;
}

/** The health of an emulator loadgate started (emulator/health.ts); a note says when it failed. */
export interface EmulatorSection {
  /** Its internal errors (bugs); a request one hit was answered with its last-resort 500 (a 5XXError). */
  readonly internalErrors: number;
  /** Set when its process ended before the run stopped it: later requests were refused. */
  readonly exitedEarly: { readonly atIso: string; readonly exit: string } | null;
}

export interface CapacityStep {
  readonly rateRps: number;
  readonly held: boolean;
  readonly reason: string;
  readonly achievedRps: number;
  readonly latencyP99Ms: number;
  readonly errorRate: number;
  readonly unexpected429Rate: number;
  readonly requests: number;
}

export interface CapacitySection {
  readonly objective: readonly string[];
  readonly highestHeldRps: number | null;
  readonly firstBrokenRps: number | null;
  readonly steps: readonly CapacityStep[];
}

export interface VerifySection {
  readonly declared: { readonly rateRps: number | null; readonly burst: number | null };
  readonly measured: { readonly rateRps: number | null; readonly burst: number | null };
  readonly verdict: 'pass' | 'fail' | 'no-throttling' | 'inconclusive' | 'no-response';
  readonly reason: string;
  /** The declared bucket the probe was sized for, and the layer it comes from. */
  readonly binding: { readonly layer: string; readonly label: string } | null;
  readonly plannedRequests: number;
  readonly estimatedCostUsd: { readonly rest: number; readonly http: number };
}
