/**
 * The in-memory store that the orchestration tests use keeps the storage contract, so what those
 * tests prove about the flow holds against the real engine too.
 */
import { describe } from 'vitest';
import { storeContract } from '../storage/store-contract.js';
import { MemoryStore } from '../support/memory-store.js';

describe('in-memory store', () => {
  storeContract(({ now }) => Promise.resolve(new MemoryStore({ now })));
});
