/**
 * The state of one running integration and the means to record it: the Integration being built,
 * the audit records not yet stored, the changes made in TSM, the clock and the logger. Each phase
 * changes it and calls save() at its boundary, so state and the records describing it commit
 * together.
 */
import type { Logger } from 'pino';
import type { Warning } from '../domain/findings.js';
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import type { DesiredResource, ResourceBody, ResourceKind } from '../domain/resources.js';
import type { Store, AuditEntry } from '../storage/store.js';
import type { TsmClient } from '../tsm/types.js';
import type { Integration, ResourceOutcome, ResourceReport } from './integration.js';

/**
 * The part of a pino logger a run uses. Narrow on purpose: a pino Logger fits, and so does the
 * request logger fastify hands a route, which lacks some of pino's extras.
 */
export type RunLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> & {
  child(bindings: Record<string, unknown>): RunLogger;
};

/** What runIntegration needs from the outside; tests pass fakes. */
export interface IntegrationRunnerDeps {
  tsm: TsmClient;
  store: Store;
  logger: RunLogger;
  now: () => Date;
  /** Id of the new integration; the route passes crypto.randomUUID. */
  newId: () => string;
  /** Budget of the forward phase, and again of the compensations. */
  deadlineMs: number;
}

/** One validated request to run, with who asked for it. */
export interface IntegrationCommand {
  integration: NormalizedIntegration;
  /** Validation warnings; the run may add its own. */
  warnings: Warning[];
  actor: string;
  requestId: string;
}

/** Where a run is; decides whether a failure needs compensations. */
export type RunPhase = 'start' | 'read' | 'plan' | 'write' | 'compensate' | 'finish';

/** A change this run made in TSM, or may have made (`uncertain`), and how to undo it. */
export type AppliedChange =
  | { action: 'created'; kind: ResourceKind; id: string; tsmPath: string; uncertain: boolean }
  | {
      action: 'replaced';
      kind: ResourceKind;
      id: string;
      tsmPath: string;
      uncertain: boolean;
      /** The body TSM held before; put back on rollback. */
      snapshot: ResourceBody;
    };

/** One integration in flight. */
export class IntegrationRun {
  readonly integration: Integration;
  readonly logger: RunLogger;
  readonly startedAtMs: number;
  /** Epoch milliseconds after which no forward call may start. */
  readonly forwardDeadline: number;
  /** Changes made in TSM, in the order they were made. */
  readonly changes: AppliedChange[] = [];
  phase: RunPhase = 'start';
  private readonly pendingAudit: AuditEntry[] = [];
  private storeFailure: { error: unknown } | undefined;
  private tolerateStoreFailures = false;

  constructor(
    readonly deps: IntegrationRunnerDeps,
    readonly command: IntegrationCommand,
    plan: DesiredResource[],
  ) {
    this.startedAtMs = this.nowMs();
    this.forwardDeadline = this.startedAtMs + deps.deadlineMs;
    this.integration = newIntegration(deps, command, plan, this.nowIso());
    this.logger = deps.logger.child({
      integrationId: this.integration.id,
      requestId: command.requestId,
    });
  }

  /** The clock, in epoch milliseconds. */
  nowMs(): number {
    return this.deps.now().getTime();
  }

  /** The clock, ISO 8601. */
  nowIso(): string {
    return this.deps.now().toISOString();
  }

  /** Queues an audit record; it is stored with the next save. */
  audit(action: string, details: Record<string, unknown>): void {
    this.pendingAudit.push({
      action,
      actor: this.command.actor,
      requestId: this.command.requestId,
      integrationId: this.integration.id,
      details,
    });
  }

  /** The report of one planned resource. */
  resource(kind: ResourceKind): ResourceReport {
    const report = this.integration.resources.find((resource) => resource.kind === kind);
    if (report === undefined) throw new Error(`no ${kind} is planned in this integration`);
    return report;
  }

  setOutcome(kind: ResourceKind, outcome: ResourceOutcome): void {
    this.resource(kind).outcome = outcome;
  }

  /** Stores the new integration with the queued audit records. */
  async create(): Promise<void> {
    await this.deps.store.createIntegration(this.integration, this.takeAudit());
  }

  /**
   * Stores the integration with the queued audit records. Throws what the store threw, unless
   * the run is already undoing its changes: then a store failure must not stop the compensations,
   * so it is remembered, its records are kept for the next save, and rethrowStoreFailure() ends it.
   */
  async save(at: string = this.nowIso()): Promise<void> {
    const audit = this.takeAudit();
    this.integration.updatedAt = at;
    try {
      await this.deps.store.saveIntegration(this.integration, audit);
    } catch (error) {
      this.storeFailure ??= { error };
      this.pendingAudit.unshift(...audit);
      this.logger.error({ err: error }, 'integration not saved');
      if (!this.tolerateStoreFailures) throw error;
    }
  }

  /** From now on a failing store is remembered, not thrown (see save). */
  tolerateStoreFailuresUntilTheEnd(): void {
    this.tolerateStoreFailures = true;
  }

  /** True when this error is the store's, as opposed to a fault of the flow or the client. */
  isStoreFailure(error: unknown): boolean {
    return this.storeFailure !== undefined && this.storeFailure.error === error;
  }

  /** Throws the first error the store threw during the run, if any. */
  rethrowStoreFailure(): void {
    if (this.storeFailure !== undefined) throw this.storeFailure.error;
  }

  private takeAudit(): AuditEntry[] {
    return this.pendingAudit.splice(0);
  }
}

function newIntegration(
  deps: IntegrationRunnerDeps,
  command: IntegrationCommand,
  plan: DesiredResource[],
  at: string,
): Integration {
  return {
    id: deps.newId(),
    status: 'in_progress',
    caLabel: command.integration.certificateAuthority.label,
    actor: command.actor,
    requestId: command.requestId,
    onExisting: command.integration.onExisting,
    resources: plan.map(({ kind, id }) => ({
      kind,
      id,
      tsmPath: deps.tsm.resourcePath(kind, id),
      outcome: 'pending',
    })),
    steps: [],
    warnings: [...command.warnings],
    createdAt: at,
    updatedAt: at,
  };
}
