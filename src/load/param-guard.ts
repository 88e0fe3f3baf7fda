/**
 * A scenario's own code (a param function) that throws must stop the run, not lose it
 * (issue 12). The guard prepares each arrival's request when the schedule hands out its time:
 * if preparing throws, the schedule ends there (the cursor says Infinity), `onFailure` aborts
 * the run, and the requests already sent are measured and written as usual.
 *
 *   cursor.next() #k  ->  factory.prepare(k) now   ok: time of arrival k, request kept for send(k)
 *                                                threw: Infinity (no arrival k), onFailure(err, k)
 *
 * The open loop sends arrival k right after reading its time (load/open-loop.ts), so the kept
 * request is the one it asks for; any other index is prepared afresh.
 */
import type { ArrivalCursor, PreparedRequest, RequestFactory } from './inputs.ts';

export interface GuardedInputs {
  readonly arrivals: ArrivalCursor;
  readonly factory: RequestFactory;
}

export function guardRequests(arrivals: ArrivalCursor, factory: RequestFactory, onFailure: (err: unknown, arrivalIndex: number) => void): GuardedInputs {
  let next = 0;
  let failed = false;
  let kept: PreparedRequest | undefined;
  let keptIndex = -1;
  return {
    arrivals: {
      next(): number {
        if (failed) return Infinity;
        const atMs = arrivals.next();
        if (atMs === Infinity) return atMs;
        try {
          kept = factory.prepare(next);
          keptIndex = next;
        } catch (err) {
          failed = true;
          onFailure(err, next);
          return Infinity;
        }
        next += 1;
        return atMs;
      },
    },
    factory: {
      prepare(arrivalIndex: number): PreparedRequest {
        if (arrivalIndex === keptIndex && kept !== undefined) {
          const request = kept;
          kept = undefined;
          return request;
        }
        return factory.prepare(arrivalIndex);
      },
    },
  };
}

/** What stopped a run early: the scenario's code threw while preparing an arrival's request. */
export interface ParamFailure {
  readonly error: unknown;
  readonly arrivalIndex: number;
}

/** The interrupt reason a ParamFailure writes into result.json. */
export const PARAM_STOP = 'stopped early: the scenario';

export function paramStopReason(failure: ParamFailure): string {
  return `${PARAM_STOP} threw preparing arrival ${failure.arrivalIndex}`;
}

/**
 * One line: the scenario file, the request (name and index), the parameter, the arrival, the
 * error, and how much was measured where. The factory names the field `requests[i].params.p`.
 */
export function paramFailureMessage(file: string | null, requestNames: readonly string[], failure: ParamFailure, measuredRequests: number, resultPath: string): string {
  const text = failure.error instanceof Error ? failure.error.message : String(failure.error);
  const field = /^requests\[(\d+)\]\.params\.([^:]+): /.exec(text);
  const request = field ? `requests[${field[1]}] ("${requestNames[Number(field[1])] ?? '?'}") param ${JSON.stringify(field[2])}` : 'a request';
  const why = field ? text.slice(field[0].length) : text;
  return `${file ?? 'scenario'}: ${request}: ${why.split('\n')[0]}; sending stopped, the ${measuredRequests} requests sent before it are measured in ${resultPath}`;
}
