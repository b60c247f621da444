/**
 * The step boundaries at which the crash test kills the service: for each, the faults that hold
 * an integration there (a TSM call that never answers, or one applied whose answer never comes),
 * the call whose arrival means it is there, and what its rows must show at that moment.
 */
import { expect } from 'vitest';
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { ResourceKind } from '../../../src/domain/resources.js';
import type { FaultSpec, Simulator } from '../../../src/simulator/index.js';
import type { CallMatch } from './crash-bench.js';
import type { IntegrationRow } from './database-view.js';
import { COLLECTION_OF } from './expectations.js';
import { handMadeAccount, idOf, tsmPathOf } from './requests.js';

/** Longer than any test: a held call is answered only once its caller is dead. */
const HOLD_MS = 120_000;
const STEPS: ResourceKind[] = ['caBundle', 'account', 'certificateAuthority'];

/** One boundary: how an integration is held there, and what the database shows of it then. */
export interface Boundary {
  title: string;
  /** The prefix of the integration's ids and CA label. */
  name: string;
  /** Replace a hand-made account that TSM holds before the integration. */
  replacesAccount?: boolean;
  /** Injects the faults; the call at which the integration is held. */
  hold: (request: IntegrationRequest, sim: Simulator) => CallMatch;
  /** Holds once the held call has arrived, when more must happen first (TSM applying it). */
  ready?: (request: IntegrationRequest, sim: Simulator) => boolean;
  /** What the integration's row, and TSM, showed at the crash. */
  atCrash: (row: IntegrationRow, inTsm: (kind: ResourceKind) => boolean) => void;
  /** What TSM holds once recovery has rolled the integration back, beyond the invariant. */
  afterRecovery?: (request: IntegrationRequest, sim: Simulator) => void;
}

/** Whether TSM holds the request's resource of this kind. */
export function heldInTsm(
  request: IntegrationRequest,
  sim: Simulator,
  kind: ResourceKind,
): boolean {
  return sim.resource(COLLECTION_OF[kind], idOf(request, kind)) !== undefined;
}

/** Injects `fault` on the request's `method` call of `kind`; that call. */
function faultOn(
  sim: Simulator,
  request: IntegrationRequest,
  call: CallMatch['method'],
  kind: ResourceKind,
  fault: FaultSpec,
): CallMatch {
  const path = tsmPathOf(request, kind);
  sim.injectFault({ method: call, path, ...fault });
  return { method: call, path };
}

function refuseStep3(sim: Simulator, request: IntegrationRequest): void {
  faultOn(sim, request, 'PUT', 'certificateAuthority', { status: 400 });
}

const reading: Boundary = {
  title: 'after it started, while it reads TSM, before any write',
  name: 'reading',
  hold: (request, sim) =>
    faultOn(sim, request, 'GET', 'certificateAuthority', { delayMs: HOLD_MS }),
  atCrash: (row) => {
    expect(row.integration.status).toBe('in_progress');
    expect(row.journal).toEqual([]);
  },
};

const intents = STEPS.map((kind, index): Boundary => ({
  title: `after the intent of write ${index + 1} (${kind}) is committed, before TSM answered`,
  name: `intent-${index + 1}`,
  hold: (request, sim) => faultOn(sim, request, 'PUT', kind, { delayMs: HOLD_MS }),
  atCrash: (row, inTsm) => {
    expect(row.integration.status).toBe('in_progress');
    expect(row.leaseOwner).not.toBeNull();
    expect(row.journal.at(-1)).toMatchObject({ kind, write: 'intent' });
    expect(inTsm(kind)).toBe(false);
  },
}));

const applied = STEPS.map((kind, index): Boundary => ({
  title: `after TSM applied write ${index + 1} (${kind}), before its outcome was recorded`,
  name: `applied-${index + 1}`,
  hold: (request, sim) =>
    faultOn(sim, request, 'PUT', kind, { applyFirst: true, drop: true, delayMs: HOLD_MS }),
  ready: (request, sim) => heldInTsm(request, sim, kind),
  atCrash: (row, inTsm) => {
    expect(row.integration.status).toBe('in_progress');
    expect(row.journal.at(-1)).toMatchObject({ kind, write: 'intent' });
    expect(inTsm(kind)).toBe(true);
  },
}));

const compensating: Boundary = {
  title: 'during compensation, while the delete of the account is held',
  name: 'compensating',
  hold: (request, sim) => {
    refuseStep3(sim, request);
    return faultOn(sim, request, 'DELETE', 'account', { delayMs: HOLD_MS });
  },
  atCrash: (row, inTsm) => {
    expect(row.integration.status).toBe('rolling_back');
    expect(row.journal.find((entry) => entry.kind === 'account')?.undo).toBe('intent');
    expect(inTsm('account')).toBe(true);
  },
};

const compensated: Boundary = {
  title: 'during compensation, after TSM deleted the account, before that was recorded',
  name: 'compensated',
  hold: (request, sim) => {
    refuseStep3(sim, request);
    const fault = { applyFirst: true, drop: true, delayMs: HOLD_MS };
    return faultOn(sim, request, 'DELETE', 'account', fault);
  },
  ready: (request, sim) => !heldInTsm(request, sim, 'account'),
  atCrash: (row, inTsm) => {
    expect(row.integration.status).toBe('rolling_back');
    expect(row.journal.find((entry) => entry.kind === 'account')?.undo).toBe('intent');
    expect(inTsm('account')).toBe(false);
  },
};

const replacing: Boundary = {
  title: 'with a replaced account, at step 3',
  name: 'replacing',
  replacesAccount: true,
  hold: (request, sim) =>
    faultOn(sim, request, 'PUT', 'certificateAuthority', { delayMs: HOLD_MS }),
  atCrash: (row) => {
    expect(row.journal).toMatchObject([
      { kind: 'caBundle', change: 'create', write: 'applied' },
      { kind: 'account', change: 'replace', write: 'applied' },
      { kind: 'certificateAuthority', change: 'create', write: 'intent' },
    ]);
  },
  afterRecovery: (request, sim) => {
    const accountId = idOf(request, 'account');
    expect(sim.resource('external-accounts', accountId)).toEqual(handMadeAccount(accountId));
  },
};

/** Every boundary the crash test kills the service at. */
export const BOUNDARIES: Boundary[] = [
  reading,
  ...intents,
  ...applied,
  compensating,
  compensated,
  replacing,
];
