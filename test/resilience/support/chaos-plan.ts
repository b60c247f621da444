/**
 * The chaos test's cases, drawn from a seed: each an integration with ids of its own, what TSM
 * held before it, the faults TSM will inject into its calls, and whether it is sent twice at once
 * (with or without the same Idempotency-Key). Faults name the case's own paths, so the cases
 * never disturb each other however they interleave.
 */
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { ResourceKind } from '../../../src/domain/resources.js';
import type { FaultSpec, ResourceCollection, ResourceJson } from '../../../src/simulator/index.js';
import type { SeededRandom } from './random.js';
import { handMadeAccount, idOf, namedRequest, tsmPathOf } from './requests.js';

/** The service settings the recipes are written against. */
export const CHAOS_SETTINGS = {
  maxAttempts: 3,
  attemptTimeoutMs: 1_000,
};

/** A fault injected only once a given call has arrived: it hits what follows that call. */
export interface LateFault {
  when: { method: string; path: string };
  fault: FaultSpec;
}

/** One integration of the chaos run. */
export interface ChaosCase {
  name: string;
  request: IntegrationRequest;
  /** The recipes drawn, to name in a failure message. */
  recipes: string[];
  faults: FaultSpec[];
  lateFaults: LateFault[];
  seeds: { collection: ResourceCollection; id: string; body: ResourceJson }[];
  /**
   * Sent twice: at once with the same Idempotency-Key or with none, or again with the same key
   * once the first was answered (a caller's retry).
   */
  duplicate?: 'same-key' | 'no-key' | 'retry';
  idempotencyKey?: string;
}

type Recipe = (chaos: ChaosCase, random: SeededRandom) => void;

const KINDS: ResourceKind[] = ['caBundle', 'account', 'certificateAuthority'];
const PAST_TIMEOUT_MS = CHAOS_SETTINGS.attemptTimeoutMs + 150;
const ALL_ATTEMPTS = CHAOS_SETTINGS.maxAttempts;

/** A PUT fault on one of the case's resources, drawn at random. */
function onAnyPut(chaos: ChaosCase, random: SeededRandom, fault: FaultSpec): void {
  const path = tsmPathOf(chaos.request, random.pick(KINDS));
  chaos.faults.push({ method: 'PUT', path, ...fault });
}

function onAnyCall(chaos: ChaosCase, random: SeededRandom, fault: FaultSpec): void {
  const path = tsmPathOf(chaos.request, random.pick(KINDS));
  chaos.faults.push({ method: random.pick(['GET', 'PUT']), path, ...fault });
}

/** Step 3 refused for good: TSM_REJECTED, and the rollback of steps 1 and 2. */
function refuseStep3(chaos: ChaosCase): void {
  const path = tsmPathOf(chaos.request, 'certificateAuthority');
  chaos.faults.push({ method: 'PUT', path, status: 400 });
}

function seedHandMadeAccount(chaos: ChaosCase): void {
  const id = idOf(chaos.request, 'account');
  chaos.seeds.push({ collection: 'external-accounts', id, body: handMadeAccount(id) });
}

const RECIPES: Record<string, Recipe> = {
  'transient 5xx': (chaos, random) =>
    onAnyPut(chaos, random, {
      status: random.pick([500, 502, 503, 504]),
      count: random.int(1, ALL_ATTEMPTS - 1),
    }),
  'unavailable for good': (chaos, random) =>
    onAnyPut(chaos, random, { status: random.pick([500, 503]), count: ALL_ATTEMPTS }),
  '429, Retry-After in seconds': (chaos, random) =>
    onAnyCall(chaos, random, { status: 429, retryAfter: '1' }),
  '429, Retry-After as a date': (chaos, random) =>
    onAnyCall(chaos, random, {
      status: 429,
      retryAfter: new Date(Date.now() + 1_000).toUTCString(),
    }),
  '429, Retry-After past the deadline': (chaos, random) =>
    onAnyPut(chaos, random, { status: 429, retryAfter: '30' }),
  'connection reset': (chaos, random) =>
    onAnyPut(chaos, random, { drop: true, count: random.int(1, ALL_ATTEMPTS - 1) }),
  'slow past the attempt timeout': (chaos, random) =>
    onAnyCall(chaos, random, { delayMs: PAST_TIMEOUT_MS }),
  'applied, connection reset': (chaos, random) =>
    onAnyPut(chaos, random, { applyFirst: true, drop: true }),
  'applied, answer past the timeout': (chaos, random) =>
    onAnyPut(chaos, random, { applyFirst: true, delayMs: PAST_TIMEOUT_MS }),
  'applied, then 5xx for good': (chaos, random) =>
    onAnyPut(chaos, random, { applyFirst: true, status: 500, count: ALL_ATTEMPTS }),
  'step 3 refused': (chaos) => refuseStep3(chaos),
  'step 3 refused, account delete fails': (chaos) => {
    refuseStep3(chaos);
    const path = tsmPathOf(chaos.request, 'account');
    chaos.faults.push({ method: 'DELETE', path, status: 503, count: ALL_ATTEMPTS });
  },
  'step 3 refused, account delete reset once': (chaos) => {
    refuseStep3(chaos);
    chaos.faults.push({ method: 'DELETE', path: tsmPathOf(chaos.request, 'account'), drop: true });
  },
  'account exists, reject': (chaos) => {
    seedHandMadeAccount(chaos);
    chaos.request.onExisting = 'reject';
  },
  'account exists, replace': (chaos) => {
    seedHandMadeAccount(chaos);
    chaos.request.onExisting = 'replace';
  },
  'account replaced, step 3 refused, restore fails': (chaos) => {
    seedHandMadeAccount(chaos);
    chaos.request.onExisting = 'replace';
    refuseStep3(chaos);
    const accountPath = tsmPathOf(chaos.request, 'account');
    chaos.lateFaults.push({
      when: { method: 'PUT', path: tsmPathOf(chaos.request, 'certificateAuthority') },
      fault: { method: 'PUT', path: accountPath, status: 503, count: ALL_ATTEMPTS },
    });
  },
};

/** How the cases are drawn, beyond the seed. */
export interface ChaosPlanOptions {
  /**
   * Slow the first read of a pair sent at once, so that the second arrives while the first runs
   * (the default); false when the runner holds that read itself, until the second is answered.
   */
  slowPairedReads?: boolean;
}

/** `count` cases drawn from `random`. */
export function planChaos(
  random: SeededRandom,
  count: number,
  options: ChaosPlanOptions = {},
): ChaosCase[] {
  const slowPairedReads = options.slowPairedReads ?? true;
  return Array.from({ length: count }, (_, index) =>
    planCase(random, `chaos-${index}`, slowPairedReads),
  );
}

function planCase(random: SeededRandom, name: string, slowPairedReads: boolean): ChaosCase {
  const chaos: ChaosCase = {
    name,
    request: namedRequest(name),
    recipes: [],
    faults: [],
    lateFaults: [],
    seeds: [],
  };
  if (random.chance(0.15)) {
    chaos.duplicate = random.pick(['same-key', 'no-key', 'retry'] as const);
  }
  if (slowPairedReads && (chaos.duplicate === 'same-key' || chaos.duplicate === 'no-key')) {
    // The first read of the pair is slowed, so the second arrives while the first still runs.
    const caPath = tsmPathOf(chaos.request, 'certificateAuthority');
    chaos.faults.push({ method: 'GET', path: caPath, delayMs: 500 });
  }
  if (chaos.duplicate !== 'no-key' && (chaos.duplicate !== undefined || random.chance(0.5))) {
    chaos.idempotencyKey = `${name}-key`;
  }
  const recipeCount = random.pick([0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
  for (let drawn = 0; drawn < recipeCount; drawn += 1) {
    const name = random.pick(Object.keys(RECIPES));
    chaos.recipes.push(name);
    RECIPES[name]?.(chaos, random);
  }
  return chaos;
}
