/**
 * A process of its own on a shared SQLite file, for the test that two processes never both claim
 * one resource id. Opens the store, says it is ready, and on "go" starts one integration per
 * round, each claiming the round's resource id under a key of its own; sends back the outcomes.
 */
import { openStore } from '../../../src/storage/open-store.js';
import type { StartOutcome } from '../../../src/storage/store.js';
import { idempotencyKey, startOf } from '../store-fixtures.js';

const [file = '', name = '', rounds = '0'] = process.argv.slice(2);
const store = await openStore(file);

process.once('message', () => {
  void race().then(
    (outcomes) => finish({ outcomes }),
    (error: unknown) => finish({ error: String(error) }),
  );
});
process.send?.('ready');

async function race(): Promise<StartOutcome[]> {
  const outcomes: StartOutcome[] = [];
  for (let round = 0; round < Number(rounds); round += 1) {
    const id = `${name}-${round}`;
    // The key is read before the claim is written: the case a deferred transaction gets wrong.
    const start = startOf(id, {
      claims: [{ kind: 'caBundle', id: `bundle-${round}` }],
      idempotencyKey: idempotencyKey(id, { actor: name, key: `key-${round}` }),
    });
    outcomes.push(await store.startIntegration(start));
  }
  return outcomes;
}

function finish(result: { outcomes?: StartOutcome[]; error?: string }): void {
  void store.close().finally(() => process.send?.(result, () => process.disconnect()));
}
