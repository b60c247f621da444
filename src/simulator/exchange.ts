/**
 * One simulated request from arrival to answer: the injected fault that matches it, the
 * configured latency, the real operation, and the answer or the dropped connection.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveFault, FaultBook } from './faults.js';
import { describeRequest, pathOf, type RequestJournal } from './journal.js';

/** What a simulated operation answers. */
export interface Answer {
  status: number;
  body: unknown;
}

/** What every exchange shares: the faults, the journal and the simulator's shutdown signal. */
export interface ExchangeContext {
  faults: FaultBook;
  journal: RequestJournal;
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
  const fault = context.faults.take(request.method, pathOf(request));
  const waitFirst = latencyMs + (fault !== undefined && !fault.applyFirst ? fault.delayMs : 0);

  if (!(await pause(waitFirst, reply, context.closing))) {
    return leave(context, request, reply, CLIENT_GONE);
  }
  if (fault !== undefined && !fault.applyFirst && interrupts(fault)) {
    return answerFault(context, request, reply, fault);
  }

  const answer = operation();
  if (fault?.applyFirst === true) {
    if (!(await pause(fault.delayMs, reply, context.closing))) {
      return leave(context, request, reply, CLIENT_GONE);
    }
    if (interrupts(fault)) return answerFault(context, request, reply, fault);
  }
  void reply.code(answer.status).send(answer.body);
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

/** Waits, unless the client leaves or the simulator closes first; false in that case. */
function pause(ms: number, reply: FastifyReply, closing: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  if (closing.aborted || reply.raw.destroyed) return Promise.resolve(false);

  return new Promise((resolve) => {
    const finish = (waited: boolean) => {
      clearTimeout(timer);
      reply.raw.off('close', leftEarly);
      closing.removeEventListener('abort', leftEarly);
      resolve(waited);
    };
    const leftEarly = () => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    reply.raw.once('close', leftEarly);
    closing.addEventListener('abort', leftEarly, { once: true });
  });
}
