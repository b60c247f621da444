/**
 * The simulated TSM's state: the resources of the three collections, the references between
 * them that TSM protects on delete, and the resources marked in use by clusters (a CA
 * configuration whose label clusters were onboarded with), which TSM protects the same way.
 */
import type { ResourceCollection, ResourceJson } from './types.js';

/** Fields TSM adds on its side; a PUT carrying them (a snapshot put back) does not set them. */
export const SERVER_FIELDS = ['id', 'status', 'createdAt', 'updatedAt'] as const;

/** Which collection a reference field points into, per collection that holds such a field. */
const REFERENCES: { holder: ResourceCollection; field: string; target: ResourceCollection }[] = [
  { holder: 'external-accounts', field: 'certificate_id', target: 'certificates' },
  { holder: 'certificate-authorities', field: 'accountId', target: 'external-accounts' },
];

interface StoredResource {
  body: ResourceJson;
  createdAt: string;
  updatedAt: string;
}

/** The resources TSM holds. */
export class ResourceStore {
  private readonly collections = new Map<ResourceCollection, Map<string, StoredResource>>([
    ['certificates', new Map()],
    ['external-accounts', new Map()],
    ['certificate-authorities', new Map()],
  ]);
  private readonly inUse = new Set<string>();

  /** Whether a resource exists. */
  has(collection: ResourceCollection, id: string): boolean {
    return this.of(collection).has(id);
  }

  /** The body as it was PUT, without server fields. */
  body(collection: ResourceCollection, id: string): ResourceJson | undefined {
    const stored = this.of(collection).get(id);
    return stored === undefined ? undefined : structuredClone(stored.body);
  }

  /** The resource as a GET shows it: the stored body plus the fields TSM adds. */
  view(collection: ResourceCollection, id: string): ResourceJson | undefined {
    const stored = this.of(collection).get(id);
    if (stored === undefined) return undefined;
    const { createdAt, updatedAt } = stored;
    return { ...structuredClone(stored.body), id, status: 'ACTIVE', createdAt, updatedAt };
  }

  /** Creates or replaces a resource; server fields in the body are ignored. */
  put(collection: ResourceCollection, id: string, body: ResourceJson): 'created' | 'replaced' {
    const resources = this.of(collection);
    const now = new Date().toISOString();
    const previous = resources.get(id);
    resources.set(id, {
      body: withoutServerFields(body),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    return previous === undefined ? 'created' : 'replaced';
  }

  /** Deletes a resource; false when it was absent. */
  remove(collection: ResourceCollection, id: string): boolean {
    return this.of(collection).delete(id);
  }

  /** Marks a resource in use by clusters, or no longer (`inUse` false). */
  markInUse(collection: ResourceCollection, id: string, inUse: boolean): void {
    const key = `${collection}/${id}`;
    if (inUse) this.inUse.add(key);
    else this.inUse.delete(key);
  }

  /** The resources still naming this one, as "collection/id", and "clusters" when in use. */
  referrers(collection: ResourceCollection, id: string): string[] {
    const found: string[] = this.inUse.has(`${collection}/${id}`) ? ['clusters'] : [];
    for (const { holder, field, target } of REFERENCES) {
      if (target !== collection) continue;
      for (const [holderId, stored] of this.of(holder)) {
        if (stored.body[field] === id) found.push(`${holder}/${holderId}`);
      }
    }
    return found;
  }

  /** Every stored body of a collection, by id (a copy). */
  list(collection: ResourceCollection): Map<string, ResourceJson> {
    const copy = new Map<string, ResourceJson>();
    for (const [id, stored] of this.of(collection)) copy.set(id, structuredClone(stored.body));
    return copy;
  }

  /** Forgets every resource. */
  clear(): void {
    for (const resources of this.collections.values()) resources.clear();
    this.inUse.clear();
  }

  private of(collection: ResourceCollection): Map<string, StoredResource> {
    const resources = this.collections.get(collection);
    if (resources === undefined) throw new RangeError(`Unknown collection ${collection}`);
    return resources;
  }
}

function withoutServerFields(body: ResourceJson): ResourceJson {
  const copy = structuredClone(body);
  for (const field of SERVER_FIELDS) delete copy[field];
  return copy;
}
