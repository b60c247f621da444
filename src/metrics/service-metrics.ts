/**
 * The service's Prometheus metrics: one registry per app, fed by the observers the TSM client and
 * the orchestration are given, plus Node's process metrics. Every label takes a few known values;
 * ids, paths, actors and keys never become labels, so the series stay few and nothing secret or
 * personal reaches a scrape.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IntegrationObserver } from '../orchestration/integration-observer.js';
import type { TsmObserver } from '../tsm/tsm-observer.js';
import type { TsmAttempt } from '../tsm/types.js';

/** The prefix of every metric of this service (process metrics keep their standard names). */
export const METRIC_PREFIX = 'tsm_vault_';

/** A registry and the observers that write to it. */
export interface ServiceMetrics {
  registry: Registry;
  tsm: TsmObserver;
  integrations: IntegrationObserver;
}

/** Seconds: TSM answers in tens of milliseconds, retries and slow CSP take seconds. */
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: a whole integration, from a fast success to one that used its whole deadline. */
const INTEGRATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** What stands for the status of an attempt that got no answer. */
const NO_ANSWER_CAUSES = new Set(['timeout', 'deadline', 'cancelled']);

/** A fresh registry with the service's metrics and the process metrics. */
export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    tsm: tsmMetrics(registry),
    integrations: integrationMetrics(registry),
  };
}

function tsmMetrics(registry: Registry): TsmObserver {
  const attempts = new Histogram({
    name: `${METRIC_PREFIX}tsm_attempt_duration_seconds`,
    help: 'Duration of each HTTP attempt to TSM (or to CSP for an access token).',
    labelNames: ['resource', 'method', 'status'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: `${METRIC_PREFIX}tsm_retries_total`,
    help: 'Attempts that failed and were followed by another attempt.',
    labelNames: ['resource', 'method'] as const,
    registers: [registry],
  });
  const exchanges = new Counter({
    name: `${METRIC_PREFIX}csp_token_exchanges_total`,
    help: 'Exchanges of the API token for an access token at CSP, by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    attempt(target, attempt) {
      const { method } = attempt;
      attempts.observe(
        { resource: target, method, status: statusLabel(attempt) },
        attempt.durationMs / 1000,
      );
      if (attempt.retryInMs !== undefined) retries.inc({ resource: target, method });
    },
    tokenExchange(obtained) {
      exchanges.inc({ result: obtained ? 'obtained' : 'failed' });
    },
  };
}

/** The HTTP status, or why there was none: timeout, deadline, cancelled or network. */
function statusLabel(attempt: TsmAttempt): string {
  if (attempt.status !== undefined) return String(attempt.status);
  return attempt.error !== undefined && NO_ANSWER_CAUSES.has(attempt.error)
    ? attempt.error
    : 'network';
}

function integrationMetrics(registry: Registry): IntegrationObserver {
  const ended = new Counter({
    name: `${METRIC_PREFIX}integrations_total`,
    help: 'Integrations that reached a terminal status, by outcome and by who ended them.',
    labelNames: ['origin', 'outcome'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: `${METRIC_PREFIX}integration_duration_seconds`,
    help: 'Time from the start of a run to its terminal status.',
    labelNames: ['origin', 'outcome'] as const,
    buckets: INTEGRATION_BUCKETS,
    registers: [registry],
  });
  const rollbacks = new Counter({
    name: `${METRIC_PREFIX}rollbacks_total`,
    help: 'Rollbacks that ended, by outcome: rolled_back or rollback_failed.',
    labelNames: ['origin', 'outcome'] as const,
    registers: [registry],
  });
  return {
    integrationEnded(origin, outcome, durationMs) {
      ended.inc({ origin, outcome });
      durations.observe({ origin, outcome }, durationMs / 1000);
    },
    rollbackEnded(origin, outcome) {
      rollbacks.inc({ origin, outcome });
    },
    ...deletionMetrics(registry),
    ...recoveryMetrics(registry),
  };
}

/** Deletions get series of their own: their outcomes are not an integration run's. */
function deletionMetrics(registry: Registry): Pick<IntegrationObserver, 'deletionEnded'> {
  const ended = new Counter({
    name: `${METRIC_PREFIX}integration_deletions_total`,
    help: 'Deletions that ended, by outcome (deleted or delete_failed) and by who ended them.',
    labelNames: ['origin', 'outcome'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: `${METRIC_PREFIX}integration_deletion_duration_seconds`,
    help: 'Time from the start of a deletion (or of recovery resuming it) to its end.',
    labelNames: ['origin', 'outcome'] as const,
    buckets: INTEGRATION_BUCKETS,
    registers: [registry],
  });
  return {
    deletionEnded(origin, outcome, durationMs) {
      ended.inc({ origin, outcome });
      durations.observe({ origin, outcome }, durationMs / 1000);
    },
  };
}

function recoveryMetrics(
  registry: Registry,
): Pick<IntegrationObserver, 'recoverySwept' | 'keyAnswered'> {
  const sweeps = new Counter({
    name: `${METRIC_PREFIX}recovery_sweeps_total`,
    help: 'Recovery sweeps, by result: completed or failed.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const recovered = new Counter({
    name: `${METRIC_PREFIX}recovered_integrations_total`,
    help: 'Integrations recovery took over and rolled back (or tried to).',
    registers: [registry],
  });
  const purged = new Counter({
    name: `${METRIC_PREFIX}idempotency_keys_purged_total`,
    help: 'Expired Idempotency-Keys the recovery sweeps forgot.',
    registers: [registry],
  });
  const keyAnswers = new Counter({
    name: `${METRIC_PREFIX}idempotent_answers_total`,
    help: 'Creates answered from an Idempotency-Key already known, by answer.',
    labelNames: ['answer'] as const,
    registers: [registry],
  });
  return {
    recoverySwept(result) {
      if ('failed' in result) return sweeps.inc({ result: 'failed' });
      sweeps.inc({ result: 'completed' });
      recovered.inc(result.recovered);
      purged.inc(result.purged);
    },
    keyAnswered(answer) {
      keyAnswers.inc({ answer });
    },
  };
}
