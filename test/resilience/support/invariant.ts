/**
 * The invariant "nothing half-done, ever", checked against the database rows and TSM's state:
 * every integration ended, TSM holds all of it or none of it, replaced resources are back, no
 * claim or lease is left behind, and each audit trail ends in one terminal record. It returns the
 * violations as sentences, so a failing test prints every one of them at once.
 */
import { isDeepStrictEqual } from 'node:util';
import type {
  Integration,
  LeftoverResource,
  ResourceReport,
} from '../../../src/orchestration/integration.js';
import type { ResourceCollection, ResourceJson, Simulator } from '../../../src/simulator/index.js';
import type { DatabaseSnapshot, IntegrationRow } from './database-view.js';
import { COLLECTION_OF, type ExpectationBook } from './expectations.js';

/** How strict a check is. */
export interface InvariantOptions {
  /**
   * Accept rollback_failed as an end, with what its leftInTsm lists still in TSM: true while
   * faults still stop recovery; false once recovery has had its chance to clean up.
   */
  allowRollbackFailed?: boolean;
}

const ENDED_CLEAN = new Set(['succeeded', 'rolled_back']);
const FINAL_RECORDS = new Set(['integration.succeeded', 'integration.rolled_back']);
const TERMINAL_RECORDS = new Set([...FINAL_RECORDS, 'integration.rollback_failed']);
const WRITTEN = new Set(['created', 'replaced']);
const FORWARD = new Set(['created', 'replaced', 'unchanged', 'referenced']);

/** Every violation of the invariant, one sentence each; empty when it holds. */
export function findViolations(
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
  options: InvariantOptions = {},
): string[] {
  const ends = options.allowRollbackFailed === true ? 'rollback_failed' : undefined;
  return [
    ...snapshot.integrations.flatMap((row) => [
      ...endViolations(row, ends),
      ...reportViolations(row.integration),
      ...auditViolations(row.integration, snapshot.auditActions.get(row.integration.id) ?? []),
    ]),
    ...claimViolations(snapshot),
    ...tsmViolations(snapshot, sim, book),
  ];
}

/** Terminal, and no lease held. */
function endViolations(row: IntegrationRow, alsoAccepted: string | undefined): string[] {
  const { id, status } = row.integration;
  const found: string[] = [];
  if (!ENDED_CLEAN.has(status) && status !== alsoAccepted) {
    found.push(`integration ${id} is ${status}, not ended`);
  }
  if (row.leaseOwner !== null || row.leaseExpiresAt !== null) {
    found.push(`integration ${id} (${status}) still has a lease held by ${row.leaseOwner}`);
  }
  return found;
}

/**
 * What the integration says it did must fit its status: a rolled-back one reports nothing as
 * written, and a failed rollback reports written only what it lists as left in TSM.
 */
function reportViolations(integration: Integration): string[] {
  const { id, status, resources } = integration;
  const left = new Set((integration.leftInTsm ?? []).map((leftover) => leftover.kind));
  const misfits = resources.filter((resource) => {
    if (status === 'succeeded') return !FORWARD.has(resource.outcome);
    return WRITTEN.has(resource.outcome) && !left.has(resource.kind);
  });
  return misfits.map(
    (resource) => `integration ${id} is ${status} but reports ${resource.kind} ${resource.outcome}`,
  );
}

/**
 * The trail starts with integration.started and ends with the record of the status reached.
 * succeeded and rolled_back are recorded at most once; an earlier rollback_failed is followed at
 * once by the recovery that took it up again.
 */
function auditViolations(integration: Integration, actions: string[]): string[] {
  const { id, status } = integration;
  const found: string[] = [];
  if (actions[0] !== 'integration.started') {
    found.push(`audit of ${id} starts with ${actions[0] ?? 'nothing'}`);
  }
  if (actions.at(-1) !== `integration.${status}`) {
    found.push(`audit of ${id} (${status}) ends with ${actions.at(-1) ?? 'nothing'}`);
  }
  const finals = actions.filter((action) => FINAL_RECORDS.has(action));
  if (finals.length > 1) found.push(`audit of ${id} has ${finals.join(', ')}`);
  actions.forEach((action, index) => {
    const next = actions[index + 1];
    if (TERMINAL_RECORDS.has(action) && next !== undefined && next !== 'recovery.started') {
      found.push(`audit of ${id} records ${next} after ${action}`);
    }
  });
  return found;
}

/** Only an integration whose rollback failed may still hold claims. */
function claimViolations(snapshot: DatabaseSnapshot): string[] {
  const statusOf = new Map(snapshot.integrations.map((row) => [row.integration.id, row]));
  return snapshot.claims
    .filter((claim) => statusOf.get(claim.integrationId)?.integration.status !== 'rollback_failed')
    .map((claim) => {
      const status = statusOf.get(claim.integrationId)?.integration.status ?? 'unknown';
      return `claim on ${claim.kind} ${claim.resourceId} left by ${status} ${claim.integrationId}`;
    });
}

/** One integration's report on one resource. */
interface Touch {
  report: ResourceReport;
  integration: Integration;
}

/** Each resource an integration touched holds the version its integrations' ends call for. */
function tsmViolations(
  snapshot: DatabaseSnapshot,
  sim: Simulator,
  book: ExpectationBook,
): string[] {
  const touching = new Map<string, Touch[]>();
  for (const { integration } of snapshot.integrations) {
    for (const report of integration.resources) {
      const key = `${COLLECTION_OF[report.kind]}/${report.id}`;
      touching.set(key, [...(touching.get(key) ?? []), { report, integration }]);
    }
  }
  const found: string[] = [];
  for (const [key, touches] of touching) {
    const first = touches[0];
    if (first === undefined) continue;
    const collection = COLLECTION_OF[first.report.kind];
    const held = sim.resource(collection, first.report.id);
    const allowed = allowedVersions(touches, book, collection, first.report.id);
    if (!allowed.some((version) => isDeepStrictEqual(version, held))) {
      const ends = touches.map(({ integration }) => `${integration.id} ${integration.status}`);
      found.push(`${key} ${describe(held)} after ${ends.join(', ')}`);
    }
  }
  return found;
}

/**
 * All of it or none of it: the body one of its succeeded integrations wrote (what it only
 * referenced stays as it was); what a failed rollback says it left; otherwise the prior version.
 */
function allowedVersions(
  touches: Touch[],
  book: ExpectationBook,
  collection: ResourceCollection,
  id: string,
): (ResourceJson | undefined)[] {
  const prior = book.of(collection, id).prior;
  const desiredBy = (integration: Integration) =>
    book.desiredFor(collection, id, integration.caLabel);
  const succeeded = touches.filter(({ integration }) => integration.status === 'succeeded');
  if (succeeded.length > 0) {
    return succeeded.map(({ report, integration }) =>
      report.outcome === 'referenced' ? prior : desiredBy(integration),
    );
  }
  const leaving = touches.filter((touch) => leftoversOf(touch).length > 0);
  const left = leaving.map(({ integration }) => desiredBy(integration));
  const unverified = leaving.some((touch) =>
    leftoversOf(touch).some((leftover) => leftover.state === 'unverified'),
  );
  if (unverified) return [prior, ...left];
  return left.length > 0 ? left : [prior];
}

/** What the touching integration's failed rollback says it left of this resource. */
function leftoversOf({ report, integration }: Touch): LeftoverResource[] {
  return (integration.leftInTsm ?? []).filter((leftover) => leftover.kind === report.kind);
}

function describe(held: ResourceJson | undefined): string {
  return held === undefined ? 'is absent' : `holds ${JSON.stringify(held).slice(0, 160)}`;
}
