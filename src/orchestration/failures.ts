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
  // A recovery that fails again keeps the first cause, not the previous failed rollback.
  const causeCode = cause.code === 'ROLLBACK_FAILED' ? (cause.causeCode ?? cause.code) : cause.code;
  const causeDetail = cause.code === 'ROLLBACK_FAILED' ? cause.causeDetail : cause.detail;
  return {
    ...cause,
    code: 'ROLLBACK_FAILED',
    causeCode,
    causeDetail,
    detail:
      `${causeDetail ?? ''} The rollback did not complete; still in TSM: ${left.join(', ')}. ` +
      'Recovery retries it with growing pauses; an operator may remove or restore them by hand.',
  };
}

/** The cause of a rollback that recovery retries: the failure that started it. */
export function causeOf(failure: IntegrationFailure): IntegrationFailure {
  if (failure.code !== 'ROLLBACK_FAILED') return failure;
  const { causeCode, causeDetail, ...rest } = failure;
  delete rest.conflicts;
  return { ...rest, code: causeCode ?? 'INTERNAL_ERROR', detail: causeDetail ?? failure.detail };
}

/** An integration the service stopped working on before it ended; recovery rolls it back. */
export function interruptedFailure(): IntegrationFailure {
  return {
    code: 'INTEGRATION_INTERRUPTED',
    detail:
      'The service stopped before the integration ended; recovery rolled back what it had ' +
      'changed. Send the request again to run it afresh.',
  };
}

function reason(failure: StepFailure): string {
  switch (failure.kind) {
    case 'rejected':
      return `TSM refused it with status ${failure.status}`;
    // The client words these itself: it knows whether TSM kept failing, asked to wait past the
    // deadline, or answered something it could not use. Its messages carry no token.
    case 'unavailable':
    case 'timeout':
    case 'auth':
      return failure.message;
    case 'exception':
      return 'an unexpected error occurred';
  }
}
