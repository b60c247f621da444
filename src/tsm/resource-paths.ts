/**
 * Where each of the three resources lives on TSM. The CA bundle and the CA configuration belong
 * to the default project of the v1alpha2 API; external accounts are global in v1alpha1.
 */
import type { ResourceKind } from '../domain/resources.js';

const COLLECTIONS: Record<ResourceKind, string> = {
  caBundle: '/tsm/v1alpha2/projects/default/certificates',
  account: '/tsm/v1alpha1/external-accounts',
  certificateAuthority: '/tsm/v1alpha2/projects/default/certificate-authorities',
};

/** The path of one resource on TSM, its id URL-encoded as one path segment. */
export function resourcePath(kind: ResourceKind, id: string): string {
  return `${COLLECTIONS[kind]}/${encodeURIComponent(id)}`;
}
