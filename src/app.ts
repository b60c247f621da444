/**
 * Builds the HTTP service from its parts: the configuration, a store and a TSM client. Nothing
 * here listens or opens connections, so tests build the same app the server runs.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { secretValues, type Config } from './config.js';
import { registerWriteRateLimit } from './http/auth/write-rate-limit.js';
import { registerBrowserOrigins } from './http/browser-origins.js';
import { registerCallerAuth } from './http/caller-auth.js';
import { clientErrorAnswer } from './http/client-errors.js';
import { registerOpenApi } from './http/openapi.js';
import {
  frameworkErrorAnswer,
  refuseEncodedBodies,
  refuseOtherCharsets,
  registerProblemHandlers,
} from './http/problem.js';
import { registerRequestAudit } from './http/request-audit.js';
import { requestIdOf } from './http/request-id.js';
import { refuseUndeclaredQueryParameters } from './http/strict-query.js';
import { registerAuditExportRoute } from './http/routes/audit-export.js';
import { registerAuditRoutes } from './http/routes/audit-records.js';
import { registerAuditVerificationRoute } from './http/routes/audit-verification.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { callbackNotifier } from './callbacks/callback-notifier.js';
import { registerIntegrationRoutes } from './http/routes/integrations.js';
import { registerMetricsRoute } from './http/routes/metrics.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics/service-metrics.js';
import { SHARED_SCHEMAS } from './http/schemas.js';
import {
  createIntegrationService,
  type IntegrationService,
} from './orchestration/integration-service.js';
import type { Store } from './storage/store.js';
import type { TsmClient } from './tsm/types.js';
import { runVaultPreflight } from './vault/run-preflight.js';
import { SERVICE_VERSION } from './version.js';

export interface AppParts {
  config: Config;
  store: Store;
  tsm: TsmClient;
  logger: FastifyBaseLogger;
  now?: () => Date;
  /**
   * The app's metrics, whose TSM observer the TSM client was built with. None: a fresh registry,
   * without the TSM client's metrics.
   */
  metrics?: ServiceMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The integration use cases, for the server's lifecycle and for tests. */
    integrations: IntegrationService;
  }
}

/** How long a client may take to send a whole request (not to get the answer). */
const REQUEST_RECEIPT_TIMEOUT_MS = 30_000;

/** Builds the fastify app with every route, ready to listen or to inject into. */
export async function buildApp(parts: AppParts): Promise<FastifyInstance> {
  const { config, store, tsm, logger } = parts;
  const secrets = secretValues(config);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    // A misspelt query parameter is refused, not dropped: a filter that is silently ignored
    // answers with records the caller did not ask for. Every fault is reported, not the first.
    // verbose: each error carries its schema, whose description says what to send instead.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, verbose: true } },
    // A body trickled in slowly must not hold a connection (and its memory) for minutes.
    requestTimeout: REQUEST_RECEIPT_TIMEOUT_MS,
    frameworkErrors: frameworkErrorAnswer(),
    clientErrorHandler: clientErrorAnswer(logger),
  });
  // Only JSON bodies: a text/plain body is a 415, not a string for the validator to puzzle over.
  app.removeContentTypeParser(['text/plain']);

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  registerProblemHandlers(app);
  // Before any route is added: the hook only sees routes registered after it.
  refuseUndeclaredQueryParameters(app);
  await registerOpenApi(app, SERVICE_VERSION);
  // Before caller auth: its hook ends a refused request, and a 401 must still carry the id.
  registerRequestAudit(app, store, secrets);
  // CORS first: its hook answers a preflight, which carries no credentials, before caller auth.
  await registerBrowserOrigins(app, config.corsOrigins);
  registerCallerAuth(app, {
    apiKeys: config.apiKeys,
    jwt: config.jwt,
    authDisabled: config.authDisabled,
    openedPaths: config.metricsPublic ? ['/metrics'] : [],
  });
  await registerWriteRateLimit(app, config.rateLimitPerMinute);
  refuseOtherCharsets(app);
  refuseEncodedBodies(app);

  const metrics = parts.metrics ?? createServiceMetrics();
  const service = createIntegrationService({
    tsm,
    store,
    logger,
    now: parts.now ?? (() => new Date()),
    newId: randomUUID,
    deadlineMs: config.integrationDeadlineMs,
    leaseMs: config.leaseMs,
    recoveryIntervalMs: config.recoveryIntervalMs,
    idempotencyKeyTtlMs: config.idempotencyKeyTtlMs,
    allowHttpVault: config.allowHttpVault,
    allowLoopbackVault: config.allowLoopbackVault,
    // A callback is retried as patiently as a TSM call.
    notifyCallback: callbackNotifier(store, config.retry),
    vaultPreflight: {
      mode: config.vaultPreflight.mode,
      check: (integration, mode) =>
        runVaultPreflight(integration, {
          mode,
          timeoutMs: config.vaultPreflight.timeoutMs,
          allowLoopback: config.allowLoopbackVault,
        }),
    },
    observer: metrics.integrations,
  });
  app.decorate('integrations', service);
  // Recovery sweeps from the moment the app is ready; on close, new requests are answered 503
  // while running integrations get SHUTDOWN_GRACE_MS to end before recovery is left to end them.
  app.addHook('onReady', () => service.startRecovery());
  app.addHook('preClose', () => service.shutdown(config.shutdownGraceMs));
  registerIntegrationRoutes(app, service, { callbackAllowlist: config.callbackAllowlist });
  registerAuditRoutes(app, store);
  registerAuditExportRoute(app, store);
  registerAuditVerificationRoute(app, store);
  registerHealthRoutes(app, store, tsm);
  registerMetricsRoute(app, metrics.registry, config.metricsPublic);
  return app;
}
