/**
 * Deleting an integration: a succeeded one (or one whose deletion failed before) is moved to
 * deleting with a lease and claims on the ids it removes, its resources are torn down, and it
 * settles deleted, delete_failed, or back to succeeded when TSM says its CA label is in use.
 * A deletion cut short by a crash or a shutdown is finished by recovery (resumeDeletion).
 */
import type { IntegrationState } from '../storage/store.js';
import {
  IntegrationRun,
  RunHalted,
  type IntegrationRunnerDeps,
  type RunContext,
} from './integration-run.js';
import type { Integration, IntegrationFailure, IntegrationStatus } from './integration.js';
import { failureDetails } from './conclusion.js';
import { deletionFailure } from './deletion-failures.js';
import { keepLease } from './lease-keeper.js';
import type { RunOrigin } from './integration-observer.js';
import type { RunRegistry } from './run-registry.js';
import { teardownPhase } from './teardown-phase.js';

/** The statuses a DELETE may start from: done, or a deletion to try again. */
const DELETABLE: IntegrationStatus[] = ['succeeded', 'delete_failed'];

/**
 * not-found: no such integration. not-deletable: its status allows no deletion. already-deleted:
 * it was deleted before (DELETE is idempotent). in-progress: it is being deleted, or another
 * integration is working on one of its ids right now. in-use: TSM refused to delete its CA
 * configuration; nothing changed. finished: deleted or delete_failed. halted: the service is
 * stopping; recovery finishes the deletion.
 */
export type DeleteOutcome =
  | { kind: 'not-found' }
  | { kind: 'not-deletable' | 'already-deleted' | 'finished' | 'halted'; integration: Integration }
  | { kind: 'in-use'; integration: Integration; failure: IntegrationFailure }
  | { kind: 'in-progress'; integrationId: string; claim?: { kind: string; id: string } };

/** Deletes the integration with this id on behalf of `context`'s caller. */
export async function deleteIntegration(
  deps: IntegrationRunnerDeps,
  id: string,
  context: RunContext,
  registry: RunRegistry,
): Promise<DeleteOutcome> {
  const state = await deps.store.getIntegrationState(id);
  if (state === undefined) return { kind: 'not-found' };
  const refusal = refusalFor(state.integration);
  if (refusal !== undefined) return refusal;

  const run = new IntegrationRun(deps, deletingCopy(deps, state, context), state.journal, context);
  const started = await start(run, state.integration.status);
  if (started !== undefined) return started;
  return await carryOut(run, registry, 'live');
}

/** Finishes a deletion that recovery took over from a runner that is gone. */
export async function resumeDeletion(run: IntegrationRun, registry: RunRegistry): Promise<void> {
  run.audit('deletion.resumed', { journalEntries: run.journal.length });
  run.logger.warn({}, 'deletion resuming');
  await carryOut(run, registry, 'recovery');
  run.rethrowStoreFailure();
}

/** Why this integration cannot be deleted now, if it cannot. */
function refusalFor(integration: Integration): DeleteOutcome | undefined {
  if (DELETABLE.includes(integration.status)) return undefined;
  if (integration.status === 'deleted') return { kind: 'already-deleted', integration };
  if (integration.status === 'deleting') {
    return { kind: 'in-progress', integrationId: integration.id };
  }
  return { kind: 'not-deletable', integration };
}

/** The integration as the deletion starts it: deleting, with who asked and when. */
function deletingCopy(
  deps: IntegrationRunnerDeps,
  state: IntegrationState,
  context: RunContext,
): Integration {
  const integration = structuredClone(state.integration);
  integration.status = 'deleting';
  integration.deletion = {
    actor: context.actor,
    requestId: context.requestId,
    startedAt: deps.now().toISOString(),
  };
  return integration;
}

/** Stores the start; the answer when the store refused it. */
async function start(
  run: IntegrationRun,
  expectedStatus: IntegrationStatus,
): Promise<DeleteOutcome | undefined> {
  const claims = run.journal
    .filter((entry) => entry.write === 'applied' && entry.removal !== 'done')
    .map(({ kind, id }) => ({ kind, id }));
  run.audit('integration.deletion_started', { previousStatus: expectedStatus, claims });
  const outcome = await run.deps.store.startDeletion({
    state: run.state(),
    expectedStatus,
    claims,
    lease: run.freshLease(),
    audit: run.takeAudit(),
  });
  if (outcome.started) {
    run.logger.info({ actor: run.context.actor }, 'deletion started');
    return undefined;
  }
  if (outcome.reason === 'claimed') {
    return { kind: 'in-progress', integrationId: outcome.heldBy, claim: outcome.claim };
  }
  // Another DELETE (or a change) came first: answer as that integration stands now.
  const now = await run.deps.store.getIntegration(run.integration.id);
  if (now === undefined) return { kind: 'not-found' };
  return refusalFor(now) ?? { kind: 'in-progress', integrationId: now.id };
}

/** Tears down and settles; a halt leaves the deletion to recovery. */
async function carryOut(
  run: IntegrationRun,
  registry: RunRegistry,
  origin: RunOrigin,
): Promise<DeleteOutcome> {
  const stopKeeping = keepLease(run);
  const untrack = registry.track(run);
  try {
    const result = await teardownPhase(run);
    run.tolerateStoreFailuresUntilTheEnd();
    if (result.kind === 'removed') await settle(run, 'deleted', origin);
    else if (result.kind === 'in-use') {
      run.audit('integration.delete_refused', failureDetails(result.failure));
      await settle(run, 'succeeded', origin);
      return {
        kind: 'in-use',
        integration: structuredClone(run.integration),
        failure: result.failure,
      };
    } else {
      const failure = deletionFailure(result.failure, result.leftInTsm);
      run.integration.failure = failure;
      run.integration.leftInTsm = result.leftInTsm;
      await settle(run, 'delete_failed', origin);
    }
  } catch (error) {
    if (!(error instanceof RunHalted)) throw error;
    await handOver(run, error);
    return { kind: 'halted', integration: structuredClone(run.integration) };
  } finally {
    stopKeeping();
    untrack();
  }
  run.rethrowStoreFailure();
  return { kind: 'finished', integration: structuredClone(run.integration) };
}

/**
 * Ends the deletion in `status` and lets go of lease and claims: the ids are free to integrate
 * again. Back to succeeded (TSM refused), the deletion leaves no trace in the integration.
 */
async function settle(
  run: IntegrationRun,
  status: 'deleted' | 'delete_failed' | 'succeeded',
  origin: RunOrigin,
): Promise<void> {
  run.phase = 'finish';
  const { integration } = run;
  const at = run.nowIso();
  integration.status = status;
  if (status === 'succeeded') delete integration.deletion;
  else if (integration.deletion !== undefined) integration.deletion.finishedAt = at;
  if (status !== 'delete_failed') {
    delete integration.failure;
    delete integration.leftInTsm;
  }
  const durationMs = run.nowMs() - run.startedAtMs;
  if (status === 'deleted') {
    run.audit('integration.deleted', { durationMs });
    run.logger.info({ durationMs }, 'integration deleted');
  } else if (status === 'delete_failed') {
    const failure = integration.failure;
    run.audit('integration.delete_failed', {
      ...(failure === undefined ? {} : failureDetails(failure)),
      leftInTsm: integration.leftInTsm?.map(({ kind, id, state }) => ({ kind, id, state })),
      durationMs,
    });
    run.logger.error({ durationMs, leftInTsm: integration.leftInTsm }, 'integration delete failed');
  }
  if (status !== 'succeeded') run.observer.deletionEnded(origin, status, durationMs);
  await run.settle({ releaseClaims: true, releaseIdempotencyKey: false }, at);
}

/** Leaves a halted deletion to recovery; on shutdown the lease is given up at once. */
async function handOver(run: IntegrationRun, halt: RunHalted): Promise<void> {
  run.logger.warn({ reason: halt.reason, phase: run.phase }, 'deletion left to recovery');
  // With the lease lost the trail is the new owner's: nothing of this runner may follow it.
  if (halt.reason === 'lease-lost') return;
  try {
    run.audit('integration.handed_over', { reason: halt.reason, phase: run.phase });
    await run.deps.store.appendAudit(run.takeAudit());
    await run.deps.store.releaseLease(run.integration.id, run.deps.owner);
  } catch (error) {
    run.logger.error({ err: error }, 'deletion not handed over');
  }
}
