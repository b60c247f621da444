/**
 * Unique, valid integrations for the load generator: the documentation's integration with ids no
 * other request of the run uses, so that every request makes TSM create three new resources. The
 * floor and the service draw from the same sequence, so they never meet each other's resources.
 */
import { randomBytes } from 'node:crypto';
import { DOCUMENTATION_EXAMPLE } from '../../src/http/examples.js';

/** Makes the JSON bodies of POST /vault-integrations, each with ids of its own. */
export class IntegrationRequests {
  readonly #runTag = randomBytes(4).toString('hex');
  #issued = 0;

  /** How many bodies were handed out. */
  get issued(): number {
    return this.#issued;
  }

  /** The next body, as the JSON text a caller sends. */
  next(): string {
    this.#issued += 1;
    const suffix = `${this.#runTag}-${this.#issued}`;
    const { caBundle, account, certificateAuthority } = DOCUMENTATION_EXAMPLE;
    return JSON.stringify({
      caBundle: { ...caBundle, id: `bundle-${suffix}` },
      account: { ...account, id: `account-${suffix}` },
      certificateAuthority: {
        ...certificateAuthority,
        id: `ca-${suffix}`,
        label: `label-${suffix}`,
      },
    });
  }
}
