/**
 * A TsmClient held in memory: a TSM that stores what is PUT, answers GET and DELETE from it, and
 * follows a script where a test wants a failure, an uncertain result, an exception or several
 * attempts. It records every call in order, with the options it was given.
 */
import type { ResourceBody, ResourceKind } from '../../src/domain/resources.js';
import type { TsmCallOptions, TsmClient, TsmFailure, TsmResult } from '../../src/tsm/types.js';
import type { FakeClock } from './fixtures.js';

export type FakeMethod = 'GET' | 'PUT' | 'DELETE';

/** One call the client received. */
export interface RecordedCall {
  method: FakeMethod;
  kind: ResourceKind;
  id: string;
  body?: ResourceBody;
  requestId: string;
  deadline: number;
}

/** One attempt as TSM answered it: a status, or an error when no answer came. */
export interface ScriptedAttempt {
  status?: number;
  error?: string;
}

/** How one scripted call goes. Without `failure` or `throws` it succeeds, after `attempts`. */
export interface ScriptedAnswer {
  /** Attempts reported before the result; the default is one with a fitting status. */
  attempts?: ScriptedAttempt[];
  failure?: TsmFailure;
  uncertain?: boolean;
  /** With a failure: TSM applied the change even so (a timeout after the write landed). */
  applied?: boolean;
  throws?: Error;
  /** Time the call takes on the fake clock before its attempts, e.g. to use up a deadline. */
  elapseMs?: number;
  /** Awaited while the call is in flight, before TSM answers: a latch, or a move of the test's. */
  during?: (options: TsmCallOptions) => Promise<void>;
}

const PATHS: Record<ResourceKind, string> = {
  caBundle: '/tsm/v1alpha2/projects/default/certificates/',
  account: '/tsm/v1alpha1/external-accounts/',
  certificateAuthority: '/tsm/v1alpha2/projects/default/certificate-authorities/',
};

/** Milliseconds each attempt takes on the fake clock. */
export const ATTEMPT_MS = 5;

/** An in-memory TSM behind the TsmClient interface. */
export class FakeTsmClient implements TsmClient {
  readonly calls: RecordedCall[] = [];
  /** The most calls that were running at the same time. */
  maxConcurrentCalls = 0;
  private running = 0;
  private readonly stored = new Map<string, ResourceBody>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();

  constructor(private readonly clock: FakeClock) {}

  /** Puts a resource in TSM before the run, as if someone else had created it. */
  seed(kind: ResourceKind, id: string, body: ResourceBody): void {
    this.stored.set(this.resourcePath(kind, id), structuredClone(body));
  }

  /** What TSM holds now; undefined when absent. */
  held(kind: ResourceKind, id: string): ResourceBody | undefined {
    return this.stored.get(this.resourcePath(kind, id));
  }

  /** Queues answers for the next calls of `method` on `kind`; later calls behave normally. */
  script(method: FakeMethod, kind: ResourceKind, ...answers: ScriptedAnswer[]): void {
    const key = `${method} ${kind}`;
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...answers]);
  }

  /** The calls as "METHOD kind", in order. */
  callNames(): string[] {
    return this.calls.map((call) => `${call.method} ${call.kind}`);
  }

  checkAccessToken(): Promise<{ ok: true }> {
    return Promise.resolve({ ok: true });
  }

  resourcePath(kind: ResourceKind, id: string): string {
    return `${PATHS[kind]}${encodeURIComponent(id)}`;
  }

  getResource(kind: ResourceKind, id: string, options: TsmCallOptions) {
    return this.handle('GET', kind, id, undefined, options, (path) => {
      const body = this.stored.get(path);
      return body === undefined ? null : structuredClone(body);
    });
  }

  putResource(kind: ResourceKind, id: string, body: ResourceBody, options: TsmCallOptions) {
    return this.handle('PUT', kind, id, body, options, (path) => {
      this.stored.set(path, structuredClone(body));
    });
  }

  deleteResource(kind: ResourceKind, id: string, options: TsmCallOptions) {
    return this.handle('DELETE', kind, id, undefined, options, (path) =>
      this.stored.delete(path) ? ('deleted' as const) : ('absent' as const),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async handle<T>(
    method: FakeMethod,
    kind: ResourceKind,
    id: string,
    body: ResourceBody | undefined,
    options: TsmCallOptions,
    apply: (path: string) => T,
  ): Promise<TsmResult<T>> {
    const { requestId, deadline } = options;
    this.calls.push({
      method,
      kind,
      id,
      ...(body && { body: structuredClone(body) }),
      requestId,
      deadline,
    });
    this.running += 1;
    this.maxConcurrentCalls = Math.max(this.maxConcurrentCalls, this.running);
    const scripted = this.scripts.get(`${method} ${kind}`)?.shift() ?? {};
    try {
      // Yield once so that calls made together are seen running together.
      await new Promise((resolve) => setImmediate(resolve));
      await scripted.during?.(options);
      return this.answer(method, kind, id, options, scripted, apply);
    } finally {
      this.running -= 1;
    }
  }

  private answer<T>(
    method: FakeMethod,
    kind: ResourceKind,
    id: string,
    options: TsmCallOptions,
    scripted: ScriptedAnswer,
    apply: (path: string) => T,
  ): TsmResult<T> {
    const path = this.resourcePath(kind, id);
    this.clock.advance(scripted.elapseMs ?? 0);
    if (scripted.throws !== undefined) throw scripted.throws;

    const { failure } = scripted;
    const value = failure === undefined || scripted.applied === true ? apply(path) : undefined;
    const attempts = scripted.attempts ?? [lastAttempt(failure, value)];
    attempts.forEach((attempt, index) => {
      const startedAt = this.clock.now().toISOString();
      this.clock.advance(ATTEMPT_MS);
      const retry = index < attempts.length - 1 ? { retryInMs: 0 } : {};
      const number = index + 1;
      options.onAttempt?.({
        method,
        path,
        attempt: number,
        startedAt,
        ...attempt,
        ...retry,
        durationMs: ATTEMPT_MS,
      });
    });

    if (failure === undefined) return { ok: true, value: value as T, attempts: attempts.length };
    const uncertain = scripted.uncertain ?? false;
    return { ok: false, failure, attempts: attempts.length, uncertain };
  }
}

/** The one attempt a call reports when the script names none. */
function lastAttempt(failure: TsmFailure | undefined, value: unknown): ScriptedAttempt {
  if (failure?.kind === 'timeout') return { error: 'timeout' };
  if (failure?.kind === 'auth') return { status: 401 };
  if (failure !== undefined) return { status: failure.status ?? 503 };
  return { status: value === null || value === 'absent' ? 404 : 200 };
}

/** Failures as the real client reports them. */
export const failures = {
  rejected: (status = 400): TsmFailure => ({
    kind: 'rejected',
    status,
    message: `TSM answered ${status}`,
    excerpt: '{"code":400,"message":"invalid vault path"}',
  }),
  unavailable: (status = 503): TsmFailure => ({
    kind: 'unavailable',
    status,
    message: `TSM answered ${status} on every attempt`,
    excerpt: 'Service Unavailable',
  }),
  timeout: (): TsmFailure => ({ kind: 'timeout', message: 'deadline passed' }),
  auth: (): TsmFailure => ({ kind: 'auth', message: 'CSP refused the API token' }),
};
