/**
 * One step of an integration: a single TSM call (read, write or compensation) of one resource,
 * with its attempts audited as they happen and its report built when it ends. A client that
 * throws is turned into a failed step, so the flow can still compensate.
 */
import type { ResourceBody, ResourceKind } from '../domain/resources.js';
import type { TsmAttempt, TsmCallOptions, TsmFailure, TsmResult } from '../tsm/types.js';
import type { IntegrationRun } from './integration-run.js';
import type { AttemptReport, StepReport } from './integration.js';

/** Why a step failed: TSM's answer, or an exception the client threw. */
export type StepFailure = TsmFailure | { kind: 'exception' };

/** What a step came to. `uncertain`: TSM may have applied the change anyway. */
export type StepOutcome<T> =
  { ok: true; value: T } | { ok: false; failure: StepFailure; uncertain: boolean };

/** Which call a step makes. */
export interface StepSpec {
  name: StepReport['name'];
  kind: ResourceKind;
  id: string;
  method: StepReport['method'];
  /** Epoch milliseconds passed to the client as the call's deadline. */
  deadline: number;
}

/** A finished step: its outcome, and its report for the integration. */
export interface StepRun<T> {
  outcome: StepOutcome<T>;
  report: StepReport;
}

/**
 * Makes one TSM call as a step. Never throws for the client's sake; the caller adds the report
 * to the integration (reads run in parallel and are reported in plan order).
 */
export async function runTsmStep<T>(
  run: IntegrationRun,
  spec: StepSpec,
  call: (options: TsmCallOptions) => Promise<TsmResult<T>>,
): Promise<StepRun<T>> {
  run.assertRunning();
  const tsmPath = run.resource(spec.kind).tsmPath;
  const startedMs = run.nowMs();
  const startedAt = run.nowIso();
  const attempts: AttemptReport[] = [];
  const onAttempt = (attempt: TsmAttempt): void => {
    attempts.push(toAttemptReport(attempt));
    run.audit('tsm.call', callDetails(attempt, spec.name));
  };

  const outcome = await callSafely(run, spec, () =>
    call({
      requestId: run.context.requestId,
      deadline: spec.deadline,
      onAttempt,
      signal: run.signal,
    }),
  );
  // A call cut off because the run was halted is not a step result: the run stops here.
  run.assertRunning();
  const report: StepReport = {
    name: spec.name,
    kind: spec.kind,
    method: spec.method,
    tsmPath,
    result: outcome.ok ? 'succeeded' : 'failed',
    startedAt,
    durationMs: run.nowMs() - startedMs,
    attempts,
  };
  run.logger.debug(
    { step: spec.name, kind: spec.kind, id: spec.id, result: report.result },
    'integration step',
  );
  return { outcome, report };
}

/**
 * Reads a resource back after a call whose outcome was unclear, as a GET step of the given name
 * added to the integration: what TSM holds, null when it holds nothing, undefined when it could
 * not be read either.
 */
export async function readBack(
  run: IntegrationRun,
  spec: { name: StepReport['name']; kind: ResourceKind; id: string; deadline: number },
): Promise<ResourceBody | null | undefined> {
  const { outcome, report } = await runTsmStep(run, { ...spec, method: 'GET' }, (options) =>
    run.deps.tsm.getResource(spec.kind, spec.id, options),
  );
  run.integration.steps.push(report);
  return outcome.ok ? outcome.value : undefined;
}

async function callSafely<T>(
  run: IntegrationRun,
  spec: StepSpec,
  call: () => Promise<TsmResult<T>>,
): Promise<StepOutcome<T>> {
  try {
    const result = await call();
    if (result.ok) return { ok: true, value: result.value };
    return { ok: false, failure: result.failure, uncertain: result.uncertain };
  } catch (error) {
    run.logger.error(
      { err: error, step: spec.name, kind: spec.kind, id: spec.id },
      'tsm client threw',
    );
    // Nobody knows how far a call that threw got, so a change it carried may have been applied.
    return { ok: false, failure: { kind: 'exception' }, uncertain: spec.method !== 'GET' };
  }
}

function toAttemptReport(attempt: TsmAttempt): AttemptReport {
  const report: AttemptReport = {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
  };
  // Only the CSP token exchange, made on behalf of the step's first call, is a POST.
  if (attempt.method === 'POST') {
    report.method = attempt.method;
    report.path = attempt.path;
  }
  if (attempt.status !== undefined) report.status = attempt.status;
  if (attempt.error !== undefined) report.error = attempt.error;
  return report;
}

function callDetails(attempt: TsmAttempt, phase: StepReport['name']): Record<string, unknown> {
  const details: Record<string, unknown> = {
    phase,
    method: attempt.method,
    path: attempt.path,
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
  };
  if (attempt.status !== undefined) details.status = attempt.status;
  if (attempt.error !== undefined) details.error = attempt.error;
  return details;
}
