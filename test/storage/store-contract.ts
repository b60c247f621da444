/**
 * The contract every storage engine must meet, as vitest cases. An engine's test file calls
 * storeContract with a factory that opens a fresh, empty store on that engine.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { auditTrailCases } from './audit-trail-cases.js';
import { claimCases } from './claim-cases.js';
import { deletionCases } from './deletion-cases.js';
import { idempotencyCases } from './idempotency-cases.js';
import { integrationCases } from './integration-cases.js';
import { leaseCases } from './lease-cases.js';
import { listCases } from './list-cases.js';
import { recoveryCases } from './recovery-cases.js';
import { manualClock, type ManualClock } from './store-fixtures.js';

/** Opens a fresh, empty store that stamps audit records with `now`. */
export type StoreFactory = (options: { now: () => Date }) => Promise<Store>;

/** What each case works on; fresh for every case. */
export interface ContractSubject {
  readonly store: Store;
  readonly clock: ManualClock;
}

/** Registers the contract's cases against stores made by `openStore`. */
export function storeContract(openStore: StoreFactory): void {
  let current: { store: Store; clock: ManualClock } | undefined;
  const subject: ContractSubject = {
    get store() {
      return opened().store;
    },
    get clock() {
      return opened().clock;
    },
  };
  const opened = () => {
    if (current === undefined) throw new Error('the store is opened in beforeEach');
    return current;
  };

  beforeEach(async () => {
    const clock = manualClock();
    current = { store: await openStore({ now: clock.now }), clock };
  });
  afterEach(async () => {
    await current?.store.close();
    current = undefined;
  });

  describe('integrations', () => integrationCases(subject));
  describe('idempotency keys', () => idempotencyCases(subject));
  describe('claims on resource ids', () => claimCases(subject));
  describe('leases', () => leaseCases(subject));
  describe('recovery takeover', () => recoveryCases(subject));
  describe('integration list', () => listCases(subject));
  describe('deletion start', () => deletionCases(subject));
  describe('audit trail', () => auditTrailCases(subject));
}
