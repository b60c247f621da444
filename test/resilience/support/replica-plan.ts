/**
 * The three-replica test's burst, drawn from a seed: chaos cases (TSM faults, duplicates) spread
 * over the replicas, requests that find their account already in TSM, pairs of requests in
 * conflict over one account id, and the integrations the doomed replica is held in at its death,
 * one at each step boundary the crash test knows.
 */
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import { planChaos, type ChaosCase } from './chaos-plan.js';
import { BOUNDARIES, type Boundary } from './crash-boundaries.js';
import type { SeededRandom } from './random.js';
import { handMadeAccount, idOf, namedRequest } from './requests.js';

/** The replica that is killed, and those that live on and recover its integrations. */
export const DOOMED_REPLICA = 2;
export const SURVIVORS = [0, 1] as const;
const REPLICAS = 3;

/**
 * held: the first to start is held reading until the other is answered, so they certainly meet.
 * racing: both at once, free to interleave. after: the second once the first was answered.
 */
export type ConflictKind = 'held' | 'racing' | 'after';

/** Two requests with other content for one account id: at most one of them may proceed. */
export interface ConflictPair {
  name: string;
  kind: ConflictKind;
  requests: [IntegrationRequest, IntegrationRequest];
  idempotencyKeys: [string | undefined, string | undefined];
}

/** An integration the doomed replica runs until it dies, held at one step boundary. */
export interface DoomedCase {
  name: string;
  boundary: Boundary;
  request: IntegrationRequest;
  idempotencyKey: string;
}

/**
 * One unit of the burst: a case (sent twice when it is a duplicate) or a conflict pair, and the
 * replica each request goes to; a dead replica's share goes to the next live one.
 */
export type BurstJob =
  | { kind: 'case'; chaos: ChaosCase; replicas: number[] }
  | { kind: 'conflict'; pair: ConflictPair; replicas: number[] };

/** How many of each the burst holds. */
export interface BurstSizes {
  chaosCases: number;
  /** Fault-free cases sent twice with one key, so that every seed has some: at once, or a retry. */
  duplicates: number;
  existingAccounts: number;
  conflicts: number;
}

/** Everything the burst sends, in the order the workers take it. */
export interface ReplicaBurstPlan {
  cases: ChaosCase[];
  conflicts: ConflictPair[];
  doomed: DoomedCase[];
  jobs: BurstJob[];
}

const CONFLICT_KINDS: ConflictKind[] = ['held', 'racing', 'after'];

/** The burst drawn from `random`. */
export function planReplicaBurst(random: SeededRandom, sizes: BurstSizes): ReplicaBurstPlan {
  const cases = [
    ...planChaos(random, sizes.chaosCases, { slowPairedReads: false }),
    ...Array.from({ length: sizes.duplicates }, (_, index) =>
      duplicateCase(`twice-${index}`, index % 2 === 0 ? 'same-key' : 'retry'),
    ),
    ...Array.from({ length: sizes.existingAccounts }, (_, index) =>
      existingAccountCase(`exists-${index}`, random),
    ),
  ];
  const conflicts = Array.from({ length: sizes.conflicts }, (_, index) =>
    conflictPair(
      `conflict-${index}`,
      CONFLICT_KINDS[index % CONFLICT_KINDS.length] ?? 'racing',
      random,
    ),
  );
  const jobs: BurstJob[] = [
    ...cases.map((chaos): BurstJob => ({ kind: 'case', chaos, replicas: replicasFor(chaos) })),
    ...conflicts.map((pair): BurstJob => ({ kind: 'conflict', pair, replicas: survivors() })),
  ];
  function replicasFor(chaos: ChaosCase): number[] {
    return chaos.duplicate === undefined ? [random.int(0, REPLICAS - 1)] : survivors();
  }
  function survivors(): number[] {
    return random.chance(0.5) ? [...SURVIVORS] : [...SURVIVORS].reverse();
  }
  return { cases, conflicts, doomed: doomedCases(), jobs: shuffled(jobs, random) };
}

/** A fault-free case sent twice with one Idempotency-Key. */
function duplicateCase(name: string, duplicate: 'same-key' | 'retry'): ChaosCase {
  return {
    name,
    request: namedRequest(name),
    recipes: [],
    faults: [],
    lateFaults: [],
    seeds: [],
    duplicate,
    idempotencyKey: `${name}-key`,
  };
}

/** A request whose account TSM already holds with other content, sent with onExisting reject. */
function existingAccountCase(name: string, random: SeededRandom): ChaosCase {
  const request = namedRequest(name, 'reject');
  const accountId = idOf(request, 'account');
  return {
    name,
    request,
    recipes: ['account exists, reject'],
    faults: [],
    lateFaults: [],
    seeds: [{ collection: 'external-accounts', id: accountId, body: handMadeAccount(accountId) }],
    idempotencyKey: random.chance(0.5) ? `${name}-key` : undefined,
  };
}

function conflictPair(name: string, kind: ConflictKind, random: SeededRandom): ConflictPair {
  const first = namedRequest(`${name}-a`);
  const second = namedRequest(`${name}-b`);
  second.account.id = first.account.id;
  second.account.description = `${name}: the same account id, other content`;
  const key = (suffix: string) => (random.chance(0.5) ? `${name}-${suffix}-key` : undefined);
  return { name, kind, requests: [first, second], idempotencyKeys: [key('a'), key('b')] };
}

function doomedCases(): DoomedCase[] {
  return BOUNDARIES.map((boundary) => {
    const name = `doomed-${boundary.name}`;
    const request = namedRequest(name, boundary.replacesAccount === true ? 'replace' : 'reject');
    return { name, boundary, request, idempotencyKey: `${name}-key` };
  });
}

/** A copy of `items` in an order drawn from `random` (Fisher–Yates). */
function shuffled<T>(items: T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    const item = copy[index];
    const swapped = copy[other];
    if (item === undefined || swapped === undefined) continue;
    copy[index] = swapped;
    copy[other] = item;
  }
  return copy;
}
