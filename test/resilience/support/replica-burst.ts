/**
 * Sends the three-replica test's burst: the doomed replica's held integrations first, then every
 * job, a few at a time, to the replica the plan names (or the next live one). Requests meant to
 * meet are made to: the first of a pair is held at TSM until the other has been answered.
 */
import { vi } from 'vitest';
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { Simulator } from '../../../src/simulator/index.js';
import type { CallerAnswer } from './caller.js';
import type { ChaosCase } from './chaos-plan.js';
import { postCase, prepareCases } from './chaos-run.js';
import type { ExpectationBook } from './expectations.js';
import { arrivalOf, latch } from './latches.js';
import type { ReplicaSet } from './replica-set.js';
import {
  DOOMED_REPLICA,
  type BurstJob,
  type ConflictPair,
  type DoomedCase,
  type ReplicaBurstPlan,
} from './replica-plan.js';
import { handMadeAccount, idOf, tsmPathOf } from './requests.js';

/** Where the burst goes, and as whom. */
export interface BurstTarget {
  sim: Simulator;
  replicas: ReplicaSet;
  callerKey: string;
}

/** An answer, and the replica that gave it (or whose death cut it off: status 0). */
export interface SentAnswer {
  replica: number;
  answer: CallerAnswer;
}

/** A case with the answers to its requests, in the order they were sent. */
export interface CaseRun {
  chaos: ChaosCase;
  sent: SentAnswer[];
}

/** A conflict pair with the answers to its two requests, in the pair's order. */
export interface ConflictRun {
  pair: ConflictPair;
  sent: SentAnswer[];
}

/** The doomed replica's integrations: held at their boundaries, and their callers' answers. */
export interface DoomedRun {
  /** Resolves once every one of them is held where its boundary says. */
  held: Promise<void>;
  answers: Promise<SentAnswer[]>;
}

/**
 * How long the doomed replica may take to reach every boundary: generous for a loaded machine,
 * but a case that is never held fails the test with its name rather than at the suite's timeout.
 */
const HELD_TIMEOUT_MS = 30_000;

/** Holds each doomed case at its boundary and sends it to the doomed replica. */
export function sendDoomed(
  target: BurstTarget,
  doomed: DoomedCase[],
  book: ExpectationBook,
): DoomedRun {
  const waiting = new Set(doomed.map(({ name }) => name));
  const held = doomed.map(async ({ name, boundary, request }) => {
    if (boundary.replacesAccount === true) {
      const accountId = idOf(request, 'account');
      book.seed(target.sim, 'external-accounts', accountId, handMadeAccount(accountId));
    }
    book.expectRequest(request);
    const at = boundary.hold(request, target.sim);
    await arrivalOf(target.sim, at.method, at.path);
    const ready = boundary.ready;
    if (ready !== undefined) {
      await vi.waitFor(
        () => {
          if (!ready(request, target.sim)) throw new Error(`${boundary.name} is not held yet`);
        },
        { timeout: HELD_TIMEOUT_MS, interval: 20 },
      );
    }
    waiting.delete(name);
  });
  const answers = doomed.map((one) => post(target, DOOMED_REPLICA, one));
  // An answer before the replica dies means a case was not held: say so rather than wait.
  const answeredTooSoon = Promise.race(answers).then(({ answer }) => {
    throw new Error(`a doomed integration was answered ${answer.status} before its replica died`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const names = [...waiting].join(', ');
      reject(new Error(`not held within ${HELD_TIMEOUT_MS} ms: ${names}`));
    }, HELD_TIMEOUT_MS);
  });
  const allHeld = Promise.all(held).then(() => undefined);
  return {
    held: Promise.race([allHeld, answeredTooSoon, timedOut]).finally(() => clearTimeout(timer)),
    answers: Promise.all(answers),
  };
}

/** The burst: every job sent, and the answers kept as each caller saw them. */
export class ReplicaBurst {
  readonly cases: CaseRun[] = [];
  readonly conflicts: ConflictRun[] = [];
  private answered = 0;
  private waiters: { count: number; open: () => void }[] = [];

  constructor(private readonly target: BurstTarget) {}

  /** Prepares the plan's seeds, faults and expectations, then sends its jobs. */
  async run(plan: ReplicaBurstPlan, book: ExpectationBook, concurrency: number): Promise<void> {
    const stopLateFaults = prepareCases(this.target.sim, plan.cases, book);
    for (const pair of plan.conflicts) pair.requests.forEach((one) => book.expectRequest(one));
    const queue = [...plan.jobs];
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        await this.send(job);
        this.answered += 1;
        this.wake(false);
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      stopLateFaults();
      this.wake(true);
    }
  }

  /** Resolves once `count` jobs have been answered, or the burst has ended with fewer. */
  answeredAtLeast(count: number): Promise<void> {
    const reached = latch();
    this.waiters.push({ count, open: () => reached.open() });
    this.wake(false);
    return reached.opened;
  }

  private wake(ended: boolean): void {
    const due = this.waiters.filter((waiter) => ended || this.answered >= waiter.count);
    this.waiters = this.waiters.filter((waiter) => !due.includes(waiter));
    due.forEach((waiter) => waiter.open());
  }

  private async send(job: BurstJob): Promise<void> {
    if (job.kind === 'case') {
      this.cases.push({ chaos: job.chaos, sent: await this.sendCase(job.chaos, job.replicas) });
    } else {
      this.conflicts.push({
        pair: job.pair,
        sent: await this.sendConflict(job.pair, job.replicas),
      });
    }
  }

  private async sendCase(chaos: ChaosCase, [first = 0, second = first]: number[]) {
    const one = (replica: number) => post(this.target, replica, chaos);
    if (chaos.duplicate === undefined) return [await one(first)];
    if (chaos.duplicate === 'retry') return [await one(first), await one(second)];
    const caPath = tsmPathOf(chaos.request, 'certificateAuthority');
    return await this.meeting(
      caPath,
      () => one(first),
      () => one(second),
    );
  }

  private async sendConflict(pair: ConflictPair, [first = 0, second = first]: number[]) {
    const [requestA, requestB] = pair.requests;
    const [keyA, keyB] = pair.idempotencyKeys;
    const a = () => post(this.target, first, { request: requestA, idempotencyKey: keyA });
    const b = () => post(this.target, second, { request: requestB, idempotencyKey: keyB });
    if (pair.kind === 'after') return [await a(), await b()];
    if (pair.kind === 'racing') return await Promise.all([a(), b()]);
    return await this.meeting(tsmPathOf(requestA, 'account'), a, b);
  }

  /**
   * Sends two requests at once. The first read of `path` (by whichever starts first) is held
   * until one of them is answered: the other one, which therefore met it running.
   */
  private async meeting(
    path: string,
    first: () => Promise<SentAnswer>,
    second: () => Promise<SentAnswer>,
  ): Promise<SentAnswer[]> {
    const answered = latch();
    this.target.sim.injectFault({ method: 'GET', path, releasedBy: answered.opened });
    const both = [first(), second()];
    void Promise.race(both).then(() => answered.open());
    return await Promise.all(both);
  }
}

function post(
  target: BurstTarget,
  replica: number,
  sent: { request: IntegrationRequest; idempotencyKey?: string },
): Promise<SentAnswer> {
  const routed = target.replicas.route(replica);
  return postCase(routed.url, target.callerKey, sent).then((answer) => ({
    replica: routed.replica,
    answer,
  }));
}
