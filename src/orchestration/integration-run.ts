/**
 * The state of one integration while a runner works on it: the Integration being built, its
 * journal, the audit records not yet stored, the lease it holds, and the clock and logger. Each
 * phase changes it and calls save() at its boundary, so state and the records describing it
 * commit together, and only while this runner still holds the lease.
 */
import type { Logger } from 'pino';
import type { AuditAction } from '../domain/audit-actions.js';
import type { Warning } from '../domain/findings.js';
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import type { ResourceKind } from '../domain/resources.js';
import {
  LeaseLostError,
  type AuditEntry,
  type IntegrationState,
  type Lease,
  type Settlement,
  type Store,
} from '../storage/store.js';
import type { TsmClient } from '../tsm/types.js';
import type { Integration, ResourceOutcome, ResourceReport } from './integration.js';
import { SILENT_INTEGRATION_OBSERVER, type IntegrationObserver } from './integration-observer.js';
import type { JournalEntry } from './journal.js';
import type { PreflightSettings } from './preflight.js';

/**
 * The part of a pino logger a run uses. Narrow on purpose: a pino Logger fits, and so does the
 * request logger fastify hands a route, which lacks some of pino's extras.
 */
export type RunLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> & {
  child(bindings: Record<string, unknown>): RunLogger;
};

/** What a run needs from the outside; tests pass fakes. */
export interface IntegrationRunnerDeps {
  tsm: TsmClient;
  store: Store;
  logger: RunLogger;
  now: () => Date;
  /** Id of a new integration; the service passes crypto.randomUUID. */
  newId: () => string;
  /** Budget of the forward phase, and again of the compensations. */
  deadlineMs: number;
  /** How long a lease lasts; the runner renews it every third of that. */
  leaseMs: number;
  /** This runner's identity, the owner of the leases it takes: unique per process. */
  owner: string;
  /** The Vault preflight; absent: off. */
  vaultPreflight?: PreflightSettings;
  /** Learns how runs and rollbacks end; the service's metrics. None: nobody is told. */
  observer?: IntegrationObserver;
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
export type RunPhase =
  'start' | 'preflight' | 'read' | 'plan' | 'write' | 'compensate' | 'delete' | 'finish';

/** Why a run stopped before finishing: the service is stopping, or another runner took over. */
export type HaltReason = 'shutdown' | 'lease-lost';

/** Thrown at a step boundary once a run is halted; the integration is left to recovery. */
export class RunHalted extends Error {
  constructor(readonly reason: HaltReason) {
    super(`integration run halted: ${reason}`);
    this.name = 'RunHalted';
  }
}

/** Who the run's audit records name, and which request id its TSM calls carry. */
export interface RunContext {
  actor: string;
  requestId: string;
}

/** One integration in the hands of this runner. */
export class IntegrationRun {
  readonly logger: RunLogger;
  readonly startedAtMs: number;
  /** Epoch milliseconds after which no forward call may start. */
  readonly forwardDeadline: number;
  phase: RunPhase = 'start';
  private readonly pendingAudit: AuditEntry[] = [];
  private readonly halting = new AbortController();
  private storeFailure: { error: unknown } | undefined;
  private tolerateStoreFailures = false;

  constructor(
    readonly deps: IntegrationRunnerDeps,
    readonly integration: Integration,
    readonly journal: JournalEntry[],
    readonly context: RunContext,
  ) {
    this.startedAtMs = this.nowMs();
    this.forwardDeadline = this.startedAtMs + deps.deadlineMs;
    this.logger = deps.logger.child({
      integrationId: integration.id,
      requestId: context.requestId,
    });
  }

  /** Whom the run tells how it ends. */
  get observer(): IntegrationObserver {
    return this.deps.observer ?? SILENT_INTEGRATION_OBSERVER;
  }

  /** How many TSM and CSP attempts the run's steps have made so far. */
  attemptCount(): number {
    return this.integration.steps.reduce((sum, step) => sum + step.attempts.length, 0);
  }

  /** The clock, in epoch milliseconds. */
  nowMs(): number {
    return this.deps.now().getTime();
  }

  /** The clock, ISO 8601. */
  nowIso(): string {
    return this.deps.now().toISOString();
  }

  /** The durable state: the integration and its journal. */
  state(): IntegrationState {
    return { integration: this.integration, journal: this.journal };
  }

  /** A lease for this runner from now on. */
  freshLease(): Lease {
    return {
      owner: this.deps.owner,
      expiresAt: new Date(this.nowMs() + this.deps.leaseMs).toISOString(),
    };
  }

  /** Aborted when the run is halted; passed to TSM calls so a call in flight stops too. */
  get signal(): AbortSignal {
    return this.halting.signal;
  }

  /** Stops the run at its next step boundary (and cuts off a TSM call in flight). */
  halt(reason: HaltReason): void {
    if (!this.halting.signal.aborted) this.halting.abort(new RunHalted(reason));
  }

  /** Throws RunHalted once the run is halted; called before every step. */
  assertRunning(): void {
    const reason: unknown = this.halting.signal.reason;
    if (this.halting.signal.aborted)
      throw reason instanceof RunHalted ? reason : new RunHalted('shutdown');
  }

  /** Queues an audit record; it is stored with the next save. */
  audit(action: AuditAction, details: Record<string, unknown>): void {
    this.pendingAudit.push({
      action,
      actor: this.context.actor,
      requestId: this.context.requestId,
      integrationId: this.integration.id,
      details,
    });
  }

  /** Takes the queued audit records, for a store call that writes them. */
  takeAudit(): AuditEntry[] {
    return this.pendingAudit.splice(0);
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

  /**
   * Stores the state with the queued audit records. A lost lease halts the run: another runner
   * owns the integration now. Other store failures are thrown, unless the run is already undoing
   * its changes: then they must not stop the compensations, so the failure is remembered, its
   * records are kept for the next save, and rethrowStoreFailure() ends it.
   */
  async save(at: string = this.nowIso()): Promise<void> {
    const audit = this.takeAudit();
    this.integration.updatedAt = at;
    try {
      await this.deps.store.saveIntegration(this.state(), audit, this.deps.owner);
    } catch (error) {
      this.onStoreFailure(error, audit);
    }
  }

  /** Stores the final state, ends the lease and settles claims and key, in one transaction. */
  async settle(settlement: Settlement, at: string): Promise<void> {
    const audit = this.takeAudit();
    this.integration.updatedAt = at;
    try {
      await this.deps.store.settleIntegration(this.state(), audit, this.deps.owner, settlement);
    } catch (error) {
      this.onStoreFailure(error, audit);
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

  private onStoreFailure(error: unknown, audit: AuditEntry[]): void {
    if (error instanceof LeaseLostError) {
      this.logger.warn({ phase: this.phase }, 'integration lease lost');
      this.halt('lease-lost');
      throw new RunHalted('lease-lost');
    }
    this.storeFailure ??= { error };
    this.pendingAudit.unshift(...audit);
    this.logger.error({ err: error }, 'integration not saved');
    if (!this.tolerateStoreFailures) throw error;
  }
}
