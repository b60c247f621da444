/**
 * What cuts an attempt or a wait short: a timer (the attempt's timeout or the call's deadline)
 * and the caller's signal. A limit is released when its attempt or wait ends, so that neither its
 * timer nor its listener outlives it: the caller's signal lives as long as a whole integration.
 */

/** What cut an attempt or a wait short. */
export type CutCause = 'timeout' | 'deadline' | 'cancelled';

/** A signal that aborts at the first limit reached, and which limit that was. */
export interface Limit {
  signal: AbortSignal;
  /** The limit reached first; undefined while none was. */
  reached(): CutCause | undefined;
  /** Stops the timer and stops listening to the caller's signal. */
  release(): void;
}

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** Limits an attempt or a wait to `ms`, reached as `cause`, and to the caller's signal. */
export function limitTo(
  ms: number,
  cause: 'timeout' | 'deadline',
  caller: AbortSignal | undefined,
): Limit {
  const controller = new AbortController();
  let reached: CutCause | undefined;
  const cut = (by: CutCause) => {
    if (reached !== undefined) return;
    reached = by;
    const name = by === 'cancelled' ? 'AbortError' : 'TimeoutError';
    controller.abort(new DOMException(`cut short at its ${by}`, name));
  };
  const onCancel = () => cut('cancelled');

  const timer = setTimeout(() => cut(cause), Math.min(MAX_TIMER_MS, Math.max(0, ms)));
  if (caller?.aborted === true) onCancel();
  else caller?.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    reached: () => reached,
    release: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCancel);
    },
  };
}
