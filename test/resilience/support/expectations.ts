/**
 * What TSM should hold, resource by resource: the version it held before the test (nothing, or a
 * seeded body) and the exact body an integration of the test writes. The invariant checker judges
 * TSM's final state against these.
 */
import { validateIntegrationRequest } from '../../../src/domain/validate-request.js';
import { planResources } from '../../../src/domain/tsm-bodies.js';
import type { ResourceKind } from '../../../src/domain/resources.js';
import type { ResourceCollection, ResourceJson, Simulator } from '../../../src/simulator/index.js';

/** The simulator's collection of each kind of resource the service writes. */
export const COLLECTION_OF: Record<ResourceKind, ResourceCollection> = {
  caBundle: 'certificates',
  account: 'external-accounts',
  certificateAuthority: 'certificate-authorities',
};

/** One TSM resource's expected versions. */
export interface ResourceExpectation {
  /** What TSM held before any integration of the test; undefined: nothing. */
  prior?: ResourceJson;
  /** The body an integration writes; undefined for a resource it only references. */
  desired?: ResourceJson;
  /**
   * The body each request writes, by its CA label: requests in conflict write other bodies to
   * one resource, and the one that succeeded decides which TSM must hold.
   */
  desiredByLabel?: Map<string, ResourceJson>;
}

/** Expected versions by TSM resource, filled from the test's requests and seeds. */
export class ExpectationBook {
  private readonly byResource = new Map<string, ResourceExpectation>();

  /** Records the bodies a valid request writes; throws for a request the validator refuses. */
  expectRequest(request: unknown): void {
    const validated = validateIntegrationRequest(request, {
      allowHttpVault: false,
      now: new Date(),
    });
    if (!validated.ok) throw new Error(`not a valid request: ${JSON.stringify(validated.errors)}`);
    const label = validated.integration.certificateAuthority.label;
    for (const planned of planResources(validated.integration)) {
      const entry = this.entry(COLLECTION_OF[planned.kind], planned.id);
      entry.desired = planned.body;
      if (planned.body === undefined) continue;
      entry.desiredByLabel ??= new Map();
      entry.desiredByLabel.set(label, planned.body);
    }
  }

  /** Seeds a resource in the simulator and records it as the version TSM held before. */
  seed(sim: Simulator, collection: ResourceCollection, id: string, body: ResourceJson): void {
    sim.seed(collection, id, body);
    this.entry(collection, id).prior = structuredClone(body);
  }

  /** The expected versions of one resource (both undefined for one the test never mentioned). */
  of(collection: ResourceCollection, id: string): ResourceExpectation {
    return this.byResource.get(keyOf(collection, id)) ?? {};
  }

  /** The body the request with this CA label writes to a resource; else the last one expected. */
  desiredFor(
    collection: ResourceCollection,
    id: string,
    caLabel: string,
  ): ResourceJson | undefined {
    const expected = this.of(collection, id);
    return expected.desiredByLabel?.get(caLabel) ?? expected.desired;
  }

  private entry(collection: ResourceCollection, id: string): ResourceExpectation {
    const key = keyOf(collection, id);
    const existing = this.byResource.get(key);
    if (existing !== undefined) return existing;
    const created: ResourceExpectation = {};
    this.byResource.set(key, created);
    return created;
  }
}

function keyOf(collection: ResourceCollection, id: string): string {
  return `${collection}/${id}`;
}
