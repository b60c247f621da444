/**
 * The one bound on how many rows a single read returns: a page of the audit trail or of the
 * integrations, or a batch recovery takes over.
 */

/** The limits of one page or batch. */
export const PAGE_LIMIT = { min: 1, max: 500 } as const;

/** Throws a RangeError unless the page size is an integer within PAGE_LIMIT. */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < PAGE_LIMIT.min || limit > PAGE_LIMIT.max) {
    throw new RangeError(`limit must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`);
  }
}
