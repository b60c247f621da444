/**
 * The use cases behind the HTTP routes for integrations: create one from a raw request body,
 * and read one back. Validation failures are audited here so the route stays a thin mapping.
 */
import type { FieldError, Warning } from '../domain/findings.js';
import { validateIntegrationRequest } from '../domain/validate-request.js';
import type { Store } from '../storage/store.js';
import type { TsmClient } from '../tsm/types.js';
import type { Integration } from './integration.js';
import { runIntegration, type RunLogger } from './run-integration.js';

/** Who asks, and under which request id, for audit and tracing. */
export interface CallContext {
  actor: string;
  requestId: string;
  logger: RunLogger;
}

/** The result of a create: refused by validation, or run to a terminal status. */
export type CreateOutcome =
  | { kind: 'invalid'; errors: FieldError[]; warnings: Warning[] }
  | { kind: 'finished'; integration: Integration };

export interface IntegrationServiceDeps {
  tsm: TsmClient;
  store: Store;
  now: () => Date;
  newId: () => string;
  deadlineMs: number;
  allowHttpVault: boolean;
}

/** The integration use cases, bound to their dependencies. */
export interface IntegrationService {
  create(body: unknown, context: CallContext): Promise<CreateOutcome>;
  get(id: string): Promise<Integration | undefined>;
}

/** Binds the use cases to the TSM client, the store and the settings. */
export function createIntegrationService(deps: IntegrationServiceDeps): IntegrationService {
  return {
    async create(body, context) {
      const validation = validateIntegrationRequest(body, {
        allowHttpVault: deps.allowHttpVault,
        now: deps.now(),
      });
      if (!validation.ok) {
        await auditRejection(deps.store, context, validation.errors);
        return { kind: 'invalid', errors: validation.errors, warnings: validation.warnings };
      }
      const integration = await runIntegration(
        { ...deps, logger: context.logger },
        {
          integration: validation.integration,
          warnings: validation.warnings,
          actor: context.actor,
          requestId: context.requestId,
        },
      );
      return { kind: 'finished', integration };
    },
    get: (id) => deps.store.getIntegration(id),
  };
}

function auditRejection(store: Store, context: CallContext, errors: FieldError[]): Promise<void> {
  // Pointers and codes only: a message may quote a value, and the value may be sensitive.
  return store.appendAudit([
    {
      action: 'integration.validation_failed',
      actor: context.actor,
      requestId: context.requestId,
      details: { errors: errors.map(({ pointer, code }) => ({ pointer, code })) },
    },
  ]);
}
