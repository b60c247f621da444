/**
 * Whether the three-replica burst was answered as it should have been: every answer final, the
 * only broken connections those of the dead replica, and each conflict decided once, with one
 * request proceeding and the other refused, and TSM holding what the one that proceeded wrote.
 */
import { isDeepStrictEqual } from 'node:util';
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import { RESOURCE_KINDS } from '../../../src/domain/resources.js';
import type { Integration } from '../../../src/orchestration/integration.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { integrationIdOf, type CallerAnswer } from './caller.js';
import type { CaseOutcome } from './chaos-run.js';
import type { DatabaseSnapshot } from './database-view.js';
import { COLLECTION_OF, type ExpectationBook } from './expectations.js';
import type { CaseRun, ConflictRun, SentAnswer } from './replica-burst.js';
import { DOOMED_REPLICA } from './replica-plan.js';
import { idOf } from './requests.js';

/** The statuses that end a request for its caller. */
const FINAL_STATUSES = new Set([201, 409, 422, 502, 504]);

/** Answers that are neither final nor a connection the dead replica broke, one sentence each. */
export function unexpectedAnswers(runs: { name: string; sent: SentAnswer[] }[]): string[] {
  return runs.flatMap(({ name, sent }) =>
    sent
      .filter(({ answer }) => !FINAL_STATUSES.has(answer.status))
      .filter(({ replica, answer }) => answer.status !== 0 || replica !== DOOMED_REPLICA)
      .map(({ replica, answer }) => `${name} on replica ${replica}: ${describeAnswer(answer)}`),
  );
}

/** The cases all of whose requests were answered, as the chaos verdict reads them. */
export function answeredOutcomes(runs: CaseRun[]): CaseOutcome[] {
  return runs
    .filter(({ sent }) => sent.every(({ answer }) => answer.status !== 0))
    .map(({ chaos, sent }) => ({ chaos, answers: sent.map(({ answer }) => answer) }));
}

/** Every conflict decided otherwise than once, one sentence each. */
export function conflictViolations(
  runs: ConflictRun[],
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  return runs.flatMap((run) => {
    const statuses = run.sent.map(({ answer }) => answerName(answer)).join(' and ');
    const label = `${run.pair.name} (${run.pair.kind}; answered ${statuses})`;
    return pairViolations(run, snapshot, sim, book).map((violation) => `${label}: ${violation}`);
  });
}

function pairViolations(
  { pair, sent }: ConflictRun,
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  const winner = sent.findIndex(({ answer }) => answer.status === 201);
  const loser = 1 - winner;
  const succeeded = sent.filter(({ answer }) => answer.status === 201).length;
  const [won, lost] = [sent[winner]?.answer, sent[loser]?.answer];
  const [winning, losing] = [pair.requests[winner], pair.requests[loser]];
  if (succeeded !== 1 || !won || !lost || !winning || !losing) {
    return [`${succeeded} of its two requests succeeded`];
  }
  const winnerId = integrationIdOf(won) ?? '';
  return [
    ...winnerViolations(winning, winnerId, snapshot, sim, book),
    ...loserViolations(pair.kind, losing, lost, winnerId, snapshot, sim),
  ];
}

/** The one that proceeded ended succeeded, and TSM holds what it wrote. */
function winnerViolations(
  request: IntegrationRequest,
  id: string,
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  const found: string[] = [];
  const integration = integrationsLabelled(snapshot, request).find((one) => one.id === id);
  if (integration?.status !== 'succeeded') {
    found.push(`the 201's integration ${id} is ${integration?.status ?? 'not stored'}`);
  }
  for (const kind of RESOURCE_KINDS) {
    const collection = COLLECTION_OF[kind];
    const resourceId = idOf(request, kind);
    const written = book.desiredFor(collection, resourceId, request.certificateAuthority.label);
    if (!isDeepStrictEqual(sim.resource(collection, resourceId), written)) {
      found.push(`TSM's ${kind} ${resourceId} is not what the request answered 201 wrote`);
    }
  }
  return found;
}

/**
 * The other was refused while the first ran (409 INTEGRATION_IN_PROGRESS, nothing stored), or
 * ran after it and found the account with other content (409 TSM_RESOURCE_EXISTS, rolled back,
 * nothing of its own in TSM). Never both ran to the end.
 */
function loserViolations(
  kind: ConflictRun['pair']['kind'],
  request: IntegrationRequest,
  answer: CallerAnswer,
  winnerId: string,
  snapshot: DatabaseSnapshot,
  sim: Simulator,
): string[] {
  const own = integrationsLabelled(snapshot, request);
  const code = answer.body.code;
  if (answer.status === 409 && code === 'INTEGRATION_IN_PROGRESS' && kind !== 'after') {
    const found = own.map((one) => `the refused request has integration ${one.id} stored`);
    if (answer.body.integrationId !== winnerId) {
      found.push(`its refusal names ${answer.body.integrationId ?? 'nothing'}, not ${winnerId}`);
    }
    return found;
  }
  if (answer.status === 409 && code === 'TSM_RESOURCE_EXISTS' && kind !== 'held') {
    const id = integrationIdOf(answer);
    const found = own
      .filter((one) => one.id !== id || one.status !== 'rolled_back')
      .map((one) => `the refused request's integration ${one.id} is ${one.status}`);
    for (const ownKind of ['caBundle', 'certificateAuthority'] as const) {
      if (sim.resource(COLLECTION_OF[ownKind], idOf(request, ownKind)) === undefined) continue;
      found.push(`the refused request left its ${ownKind} in TSM`);
    }
    return found;
  }
  return [`the other request was answered ${answerName(answer)}`];
}

/** The integrations stored for the request, known by its own CA label. */
function integrationsLabelled(
  snapshot: DatabaseSnapshot,
  request: IntegrationRequest,
): Integration[] {
  const label = request.certificateAuthority.label;
  return snapshot.integrations
    .map((row) => row.integration)
    .filter((integration) => integration.caLabel === label);
}

/** How many answers of each status and code, e.g. "201 × 40, 409 TSM_RESOURCE_EXISTS × 3". */
export function tallyAnswers(answers: CallerAnswer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const replayed = answer.headers['idempotent-replayed'] === 'true' ? ' replayed' : '';
    const key = answerName(answer) + replayed;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} × ${count}`).join(', ');
}

function answerName(answer: CallerAnswer): string {
  if (answer.status === 0) return 'no answer';
  return `${answer.status} ${answer.body.code ?? ''}`.trim();
}

function describeAnswer(answer: CallerAnswer): string {
  return `${answerName(answer)} ${answer.body.detail ?? ''}`.trim();
}
