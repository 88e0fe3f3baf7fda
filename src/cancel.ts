/**
 * The one cancellation path of a run. The CLI hands every stage one AbortSignal (`stop`): the
 * first Ctrl-C aborts it, so sending stops, the drain is cut if it has begun, CloudWatch polling
 * and its SDK calls end, capacity stops between or within steps, and what was measured is
 * written with `interrupted: true`.
 *
 * The second Ctrl-C aborts the stop signal's `quit` companion, found with quitSignalOf(stop):
 * the drain ends at once even when the first Ctrl-C came during sending (which still allows the
 * grace for requests in flight), and the process exits as soon as result.json is written.
 * Stages that only need "stop" never see the companion: one signal to pass around.
 */
const quits = new WeakMap<AbortSignal, AbortSignal>();

/** Ties `quit` to `stop`: quitSignalOf(stop) returns it. */
export function linkQuit(stop: AbortSignal, quit: AbortSignal): void {
  quits.set(stop, quit);
}

/** The quit companion of a stop signal, if the CLI made one. */
export function quitSignalOf(stop: AbortSignal | undefined): AbortSignal | undefined {
  return stop === undefined ? undefined : quits.get(stop);
}

/** A reason that says a signal stopped the run (`SIGINT`, `SIGTERM`). */
export function isSignalReason(reason: unknown): boolean {
  return typeof reason === 'string' && reason.startsWith('SIG');
}
