/**
 * Whether the answers of a chaos run agree with what the database and TSM hold: exactly one
 * integration ran per case, a 201 means all of it is in TSM, a 409/422/502/504 means none of it,
 * and the second request of a pair was refused as in progress or got the first one's answer.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Integration } from '../../../src/orchestration/integration.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { integrationIdOf, type CallerAnswer } from './caller.js';
import type { CaseOutcome } from './chaos-run.js';
import type { DatabaseSnapshot } from './database-view.js';
import { COLLECTION_OF, type ExpectationBook } from './expectations.js';
import { idOf } from './requests.js';

/** The codes of an integration that ran and failed, and rolled back (or tried to). */
const FAILED_AND_UNDONE = new Set([
  'TSM_RESOURCE_EXISTS',
  'TSM_REJECTED',
  'TSM_UNAVAILABLE',
  'TSM_TIMEOUT',
  'ROLLBACK_FAILED',
]);

/** Every disagreement between the answers and the final state, one sentence each. */
export function answerViolations(
  outcomes: CaseOutcome[],
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  return outcomes.flatMap((outcome) => {
    const accountId = idOf(outcome.chaos.request, 'account');
    const ran = snapshot.integrations
      .map((row) => row.integration)
      .filter((integration) => integration.resources.some((r) => r.id === accountId));
    const label = `${outcome.chaos.name} (${describeCase(outcome)})`;
    const [integration, ...others] = ran;
    if (integration === undefined || others.length > 0) {
      return [`${label}: ${ran.length} integrations ran`];
    }
    return caseViolations(outcome, integration, sim, book).map(
      (violation) => `${label}: ${violation}`,
    );
  });
}

/** A rollback_failed answer lists what its integration recorded as left in TSM. */
export function leftoverAnswerViolations(
  outcomes: CaseOutcome[],
  snapshot: DatabaseSnapshot,
): string[] {
  const stored = new Map(snapshot.integrations.map((row) => [row.integration.id, row.integration]));
  return outcomes.flatMap(({ chaos, answers }) =>
    answers
      .filter((answer) => answer.body.integration?.status === 'rollback_failed')
      .filter((answer) => {
        const integration = stored.get(integrationIdOf(answer) ?? '');
        return !isDeepStrictEqual(answer.body.integration?.leftInTsm, integration?.leftInTsm);
      })
      .map(() => `${chaos.name}: its answer's leftInTsm is not what its integration recorded`),
  );
}

function caseViolations(
  { answers, chaos: { duplicate } }: CaseOutcome,
  integration: Integration,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  const own = answers.find((answer) => isOwnAnswer(answer, integration.id));
  if (own === undefined) return [`no answer is integration ${integration.id}'s own`];
  const found = ownAnswerViolations(own, integration, sim, book);
  const partner = answers.find((answer) => answer !== own);
  const refusalAllowed = duplicate !== 'retry';
  if (partner !== undefined && !isRefusedOrReplayed(partner, own, integration.id, refusalAllowed)) {
    found.push(`its duplicate was answered ${partner.status} ${partner.body.code ?? ''}`);
  }
  return found;
}

function isOwnAnswer(answer: CallerAnswer, integrationId: string): boolean {
  return (
    integrationIdOf(answer) === integrationId &&
    answer.headers['idempotent-replayed'] === undefined &&
    answer.body.code !== 'INTEGRATION_IN_PROGRESS'
  );
}

/** 201: succeeded and all of it in TSM; a failure: rolled back and none of it in TSM. */
function ownAnswerViolations(
  answer: CallerAnswer,
  integration: Integration,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  const succeeded = answer.status === 201;
  if (!succeeded && !FAILED_AND_UNDONE.has(answer.body.code ?? '')) {
    return [`answered ${answer.status} ${answer.body.code ?? JSON.stringify(answer.body)}`];
  }
  const found: string[] = [];
  const expectedStatus = succeeded ? 'succeeded' : 'rolled_back';
  if (integration.status !== expectedStatus) {
    found.push(`answered ${answer.status} but ended ${integration.status}`);
  }
  for (const { kind, id } of integration.resources) {
    const collection = COLLECTION_OF[kind];
    const expected = book.of(collection, id);
    const version = succeeded ? expected.desired : expected.prior;
    if (!isDeepStrictEqual(sim.resource(collection, id), version)) {
      found.push(`answered ${answer.status} but TSM's ${kind} ${id} is not the expected version`);
    }
  }
  return found;
}

/** A retry after the answer must be a replay; a request sent at the same time may be refused. */
function isRefusedOrReplayed(
  partner: CallerAnswer,
  own: CallerAnswer,
  id: string,
  refusalAllowed: boolean,
): boolean {
  if (refusalAllowed && partner.status === 409 && partner.body.code === 'INTEGRATION_IN_PROGRESS') {
    return partner.body.integrationId === id;
  }
  return (
    partner.headers['idempotent-replayed'] === 'true' &&
    partner.status === own.status &&
    isDeepStrictEqual(partner.body, own.body)
  );
}

function describeCase({ chaos, answers }: CaseOutcome): string {
  const parts = [...chaos.recipes];
  if (chaos.duplicate !== undefined) parts.push(`sent twice: ${chaos.duplicate}`);
  parts.push(`answered ${answers.map((answer) => answer.status).join(' and ')}`);
  return parts.join('; ');
}
