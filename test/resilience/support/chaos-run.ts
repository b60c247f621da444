/**
 * Runs the chaos cases against the service: puts each case's seeds and faults in the simulator,
 * then sends the cases with bounded concurrency, a duplicate pair as two requests at once, and
 * keeps every answer as the caller saw it.
 */
import type { Simulator } from '../../../src/simulator/index.js';
import { callService, type CallerAnswer } from './caller.js';
import type { ChaosCase, LateFault } from './chaos-plan.js';
import type { ExpectationBook } from './expectations.js';

/** A case with the answer to each of its requests. */
export interface CaseOutcome {
  chaos: ChaosCase;
  answers: CallerAnswer[];
}

/** Where to send the cases, and as whom. */
export interface ChaosTarget {
  sim: Simulator;
  url: string;
  callerKey: string;
}

/** Prepares every case, sends them `concurrency` at a time, and returns their answers. */
export async function runChaos(
  target: ChaosTarget,
  cases: ChaosCase[],
  book: ExpectationBook,
  concurrency: number,
): Promise<CaseOutcome[]> {
  const stopLateFaults = prepareCases(target.sim, cases, book);
  const outcomes: CaseOutcome[] = [];
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let chaos = queue.shift(); chaos !== undefined; chaos = queue.shift()) {
      outcomes.push({ chaos, answers: await send(target, chaos) });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    stopLateFaults();
  }
  return outcomes;
}

/**
 * Seeds, faults and the expected bodies of every case; late faults wait for their call. The
 * returned function stops waiting for them.
 */
export function prepareCases(
  sim: Simulator,
  cases: ChaosCase[],
  book: ExpectationBook,
): () => void {
  const late = new Map<string, LateFault[]>();
  for (const chaos of cases) {
    book.expectRequest(chaos.request);
    for (const seed of chaos.seeds) book.seed(sim, seed.collection, seed.id, seed.body);
    for (const fault of chaos.faults) sim.injectFault(fault);
    for (const lateFault of chaos.lateFaults) {
      const key = `${lateFault.when.method} ${lateFault.when.path}`;
      late.set(key, [...(late.get(key) ?? []), lateFault]);
    }
  }
  return sim.onArrival((call) => {
    const key = `${call.method} ${call.path}`;
    for (const lateFault of late.get(key) ?? []) sim.injectFault(lateFault.fault);
    late.delete(key);
  });
}

async function send(target: ChaosTarget, chaos: ChaosCase): Promise<CallerAnswer[]> {
  const one = () => postCase(target.url, target.callerKey, chaos);
  if (chaos.duplicate === undefined) return [await one()];
  if (chaos.duplicate === 'retry') return [await one(), await one()];
  return await Promise.all([one(), one()]);
}

/**
 * POSTs the case's request with its Idempotency-Key. A connection that broke without an answer
 * is status 0, with the error as its detail: a caller whose service died sees no more than that.
 */
export function postCase(
  url: string,
  callerKey: string,
  { request, idempotencyKey }: Pick<ChaosCase, 'request' | 'idempotencyKey'>,
): Promise<CallerAnswer> {
  return callService(url, 'POST', '/vault-integrations', {
    body: request,
    callerKey,
    idempotencyKey,
  }).catch((error: unknown): CallerAnswer => ({
    status: 0,
    headers: {},
    body: { detail: error instanceof Error ? error.message : String(error) },
  }));
}
