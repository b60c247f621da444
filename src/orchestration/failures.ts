/**
 * Why an integration did not succeed, in the words and codes a caller sees. Details name
 * resources by id and say what to do; they never quote a body, a PEM or a token.
 */
import type { ResourceKind } from '../domain/resources.js';
import type { ErrorCode } from '../errors.js';
import type { IntegrationFailure, LeftoverResource, ResourceConflict } from './integration.js';
import type { StepFailure } from './tsm-step.js';

const RESOURCE_LABELS: Record<ResourceKind, string> = {
  caBundle: 'CA bundle',
  account: 'external account',
  certificateAuthority: 'CA configuration',
};

/** A resource as a caller reads it in a message, e.g. external account "my-vault-account". */
export function describeResource(kind: ResourceKind, id: string): string {
  return `${RESOURCE_LABELS[kind]} "${id}"`;
}

/** The API's error code for a step that failed for good. */
export function failureCode(failure: StepFailure): ErrorCode {
  switch (failure.kind) {
    case 'auth':
      return 'TSM_AUTH_FAILED';
    case 'unavailable':
      return 'TSM_UNAVAILABLE';
    case 'timeout':
      return 'TSM_TIMEOUT';
    case 'rejected':
      return 'TSM_REJECTED';
    case 'exception':
      return 'INTERNAL_ERROR';
  }
}

/** The failure of a read or write of one resource. */
export function stepFailure(
  step: 'read' | 'write',
  kind: ResourceKind,
  id: string,
  failure: StepFailure,
): IntegrationFailure {
  const what = describeResource(kind, id);
  const detail =
    step === 'read'
      ? `Reading ${what} from TSM failed: ${reason(failure)}. Nothing was changed in TSM.`
      : `Writing ${what} to TSM failed: ${reason(failure)}.`;
  const result: IntegrationFailure = { code: failureCode(failure), detail, kind, id };
  if ('status' in failure && failure.status !== undefined) result.tsmStatus = failure.status;
  if ('excerpt' in failure && failure.excerpt !== undefined) result.tsmExcerpt = failure.excerpt;
  return result;
}

/** Resources that exist in TSM with other content, with onExisting "reject". */
export function conflictFailure(conflicts: ResourceConflict[]): IntegrationFailure {
  const named = conflicts
    .map(
      (conflict) =>
        `${describeResource(conflict.kind, conflict.id)} (differs in ` +
        `${conflict.differingFields.join(', ')})`,
    )
    .join('; ');
  return {
    code: 'TSM_RESOURCE_EXISTS',
    detail:
      `Already in TSM with other content: ${named}. Nothing was changed. Send onExisting ` +
      '"replace" to replace them, or choose other ids.',
    conflicts,
  };
}

/** A referenced CA bundle that TSM does not hold. */
export function missingBundleFailure(id: string): IntegrationFailure {
  return {
    code: 'CA_BUNDLE_NOT_FOUND',
    detail:
      `The referenced ${describeResource('caBundle', id)} does not exist in TSM. Nothing was ` +
      'changed. Create it first, or send its pem to upload it.',
    kind: 'caBundle',
    id,
  };
}

/** An exception the flow did not expect; what was changed is rolled back. */
export function internalFailure(): IntegrationFailure {
  return {
    code: 'INTERNAL_ERROR',
    detail: 'An unexpected error interrupted the integration; whatever it changed is undone.',
  };
}

/** A rollback that left resources in TSM; the cause stays visible. */
export function rollbackFailure(
  cause: IntegrationFailure,
  leftInTsm: LeftoverResource[],
): IntegrationFailure {
  const left = leftInTsm.map((resource) => describeResource(resource.kind, resource.id));
  return {
    ...cause,
    code: 'ROLLBACK_FAILED',
    causeCode: cause.code,
    detail:
      `${cause.detail} The rollback did not complete; still in TSM: ${left.join(', ')}. ` +
      'Remove or restore them by hand.',
  };
}

function reason(failure: StepFailure): string {
  switch (failure.kind) {
    case 'rejected':
      return `TSM refused it with status ${failure.status}`;
    case 'unavailable':
      return failure.status === undefined
        ? 'TSM could not be reached'
        : `TSM kept answering ${failure.status} until the retries ran out`;
    case 'timeout':
      return 'the deadline passed before TSM answered';
    case 'auth':
      // The client says whose refusal it was: CSP's (the API token) or TSM's (the access token).
      return failure.message;
    case 'exception':
      return 'an unexpected error occurred';
  }
}
