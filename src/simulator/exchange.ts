/**
 * One simulated request from arrival to answer: the injected fault that matches it, the
 * configured latency, the real operation, and the answer or the dropped connection.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Arrivals } from './arrivals.js';
import type { ActiveFault, FaultBook } from './faults.js';
import { describeRequest, pathOf, type RequestJournal } from './journal.js';

/** What a simulated operation answers. */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * What every exchange shares: the faults, the journal, the listeners to arrivals and the
 * simulator's shutdown signal.
 */
export interface ExchangeContext {
  faults: FaultBook;
  journal: RequestJournal;
  arrivals: Arrivals;
  closing: AbortSignal;
}

// nginx's status for "the client closed the connection before the answer"; no standard one exists.
const CLIENT_GONE = 499;

/** Runs `operation` for this request under the matching fault, then answers. */
export async function exchange(
  context: ExchangeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: () => Answer,
  latencyMs = 0,
): Promise<void> {
  const path = pathOf(request);
  const fault = context.faults.take(request.method, path);
  context.arrivals.announce({ method: request.method, path, faulted: fault !== undefined });
  const holdFirst = fault !== undefined && !fault.applyFirst;
  const first: Hold = {
    ms: latencyMs + (holdFirst ? fault.delayMs : 0),
    gate: holdFirst ? fault.releasedBy : undefined,
    outlastClient: holdFirst && fault.deliverLate,
  };

  const clientLeft = watchForLeaving(reply);
  if (!(await pause(first, reply, context))) return leave(context, request, reply, CLIENT_GONE);
  if (fault !== undefined && !fault.applyFirst && interrupts(fault)) {
    return answerFault(context, request, reply, fault);
  }

  const answer = operation();
  // Delivered late: applied, but the client that sent it has given up and hears nothing.
  if (first.outlastClient && clientLeft()) {
    return leave(context, request, reply, CLIENT_GONE);
  }
  if (fault?.applyFirst === true) {
    const then: Hold = { ms: fault.delayMs, gate: fault.releasedBy, outlastClient: false };
    if (!(await pause(then, reply, context))) return leave(context, request, reply, CLIENT_GONE);
    if (interrupts(fault)) return answerFault(context, request, reply, fault);
  }
  void reply.code(answer.status).send(answer.body);
}

/** Whether the client has closed its connection since the call, before any answer. */
function watchForLeaving(reply: FastifyReply): () => boolean {
  let left = reply.raw.destroyed;
  reply.raw.once('close', () => (left = true));
  return () => left;
}

/** The small JSON body TSM answers errors with (seen: {code, message}). */
export function errorBody(status: number, message: string): { code: number; message: string } {
  return { code: status, message };
}

function interrupts(fault: ActiveFault): boolean {
  return fault.drop || fault.status !== undefined;
}

function answerFault(
  context: ExchangeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  fault: ActiveFault,
): void {
  if (fault.drop || fault.status === undefined) return leave(context, request, reply, 'dropped');

  if (fault.retryAfter !== undefined) void reply.header('retry-after', fault.retryAfter);
  const body = fault.body ?? errorBody(fault.status, `simulated fault: ${fault.status}`);
  void reply.code(fault.status).send(body);
}

/** Ends the exchange without an answer: the socket is destroyed and the request journaled. */
function leave(
  context: ExchangeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number | 'dropped',
): void {
  reply.hijack();
  context.journal.record(describeRequest(request, reply, status));
  request.raw.socket.destroy();
}

/** How long a request is held: a delay, a gate to wait for, and whether a leaving client ends it. */
interface Hold {
  ms: number;
  gate: PromiseLike<unknown> | undefined;
  /** Hold on even when the client leaves (a late delivery); only closing ends it early. */
  outlastClient: boolean;
}

/**
 * Waits out the hold, unless the client leaves (when that ends it) or the simulator closes
 * first; false in that case.
 */
function pause(hold: Hold, reply: FastifyReply, context: ExchangeContext): Promise<boolean> {
  if (hold.ms <= 0 && hold.gate === undefined) return Promise.resolve(true);
  const { closing } = context;
  const watchClient = !hold.outlastClient;
  if (closing.aborted || (watchClient && reply.raw.destroyed)) return Promise.resolve(false);

  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (waited: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reply.raw.off('close', leftEarly);
      closing.removeEventListener('abort', leftEarly);
      resolve(waited);
    };
    const leftEarly = () => finish(false);
    const elapsed = new Promise<void>((done) => (timer = setTimeout(done, Math.max(hold.ms, 0))));
    // A gate that rejects releases the request too: the test that set it has moved on.
    const released = Promise.resolve(hold.gate).then(noop, noop);
    void Promise.all([elapsed, released]).then(() => finish(true));
    if (watchClient) reply.raw.once('close', leftEarly);
    closing.addEventListener('abort', leftEarly, { once: true });
  });
}

function noop(): void {}
