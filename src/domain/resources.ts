/**
 * The three TSM resources of an integration, in the order they are created. Each depends on the
 * one before it: the account names the bundle, the CA configuration names the account.
 */

export const RESOURCE_KINDS = ['caBundle', 'account', 'certificateAuthority'] as const;

/** Which of the three TSM resources. Names match the sections of the request. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A TSM resource body as JSON. */
export type ResourceBody = Record<string, unknown>;

/** One TSM resource as this integration wants it. */
export interface DesiredResource {
  kind: ResourceKind;
  id: string;
  /**
   * write: PUT this body (create, or replace when allowed).
   * reference: must already exist; never written. Only a CA bundle can be referenced.
   */
  mode: 'write' | 'reference';
  /** The exact body to PUT; undefined for a reference. */
  body?: ResourceBody;
  /**
   * JSON pointers of optional fields this body leaves out on purpose. A resource in TSM that has
   * one of them set (non-empty) is not the resource we would write.
   */
  absentFields?: string[];
}
