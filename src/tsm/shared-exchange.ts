/**
 * One CSP token exchange that several calls wait on. A call whose signal aborts stops waiting at
 * once; the exchange itself is aborted only when no call is left waiting, so that one call's
 * cancellation never fails the others, and an exchange nobody wants does not hold up a close.
 */

/** An exchange in flight, shared by the calls that want a token while it runs. */
export class SharedExchange<T> {
  readonly #abandon = new AbortController();
  readonly #result: Promise<T>;
  #waiting = 0;

  /** Starts the exchange; `run` must stop when the signal it is given aborts. */
  constructor(run: (signal: AbortSignal) => Promise<T>) {
    this.#result = run(this.#abandon.signal);
    // Waiters receive a rejection through `wait`; with none left it must not go unhandled.
    this.#result.catch(() => undefined);
  }

  /** False once every call has left it: a newcomer starts an exchange of its own. */
  get joinable(): boolean {
    return !this.#abandon.signal.aborted;
  }

  /** The exchange's result, or undefined when the call's signal aborts first. */
  wait(signal: AbortSignal | undefined): Promise<T | undefined> {
    // A call without a signal can never leave, so the exchange is never abandoned under it.
    this.#waiting += 1;
    if (signal === undefined) return this.#result;

    return new Promise<T | undefined>((resolve, reject) => {
      const leave = () => {
        this.#waiting -= 1;
        if (this.#waiting === 0) this.#abandon.abort();
        resolve(undefined);
      };
      if (signal.aborted) {
        leave();
        return;
      }

      signal.addEventListener('abort', leave, { once: true });
      this.#result.finally(() => signal.removeEventListener('abort', leave)).then(resolve, reject);
    });
  }
}
