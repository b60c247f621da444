/** Why a deletion did not complete, in the words and codes a caller sees. */
import { describeResource } from './failures.js';
import type { IntegrationFailure, LeftoverResource } from './integration.js';

/** A deletion that stopped with resources left in TSM; the failed step stays visible as cause. */
export function deletionFailure(
  cause: IntegrationFailure,
  leftInTsm: LeftoverResource[],
): IntegrationFailure {
  const left = leftInTsm.map((resource) => describeResource(resource.kind, resource.id));
  return {
    ...cause,
    code: 'DELETE_FAILED',
    causeCode: cause.code,
    causeDetail: cause.detail,
    detail:
      `${cause.detail} The deletion stopped; still in TSM: ${left.join(', ')}. Send DELETE ` +
      'again to go on where it stopped, or remove them by hand.',
  };
}
