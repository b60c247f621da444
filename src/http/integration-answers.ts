/**
 * How each outcome of creating an integration is answered: the status, the headers and the body
 * a caller sees, and the problem for every way it can fail.
 */
import type { FastifyReply } from 'fastify';
import { ApiError, ERRORS, type ErrorCode } from '../errors.js';
import type { Integration } from '../orchestration/integration.js';
import type { HaltReason } from '../orchestration/integration-run.js';
import type { CreateOutcome } from '../orchestration/integration-service.js';

/** Longest Idempotency-Key accepted, as the header's specification drafts suggest. */
const MAX_KEY_LENGTH = 255;

/** The caller's Idempotency-Key, or undefined; a malformed one is refused. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? undefined : header;
  if (
    key === undefined ||
    key.length === 0 ||
    key.length > MAX_KEY_LENGTH ||
    /[^\x21-\x7e]/.test(key)
  ) {
    throw new ApiError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid.', {
      errors: [
        {
          pointer: '/Idempotency-Key',
          in: 'header',
          code: 'INVALID_VALUE',
          message: `Send one key of 1 to ${MAX_KEY_LENGTH} visible ASCII characters, e.g. a UUID.`,
        },
      ],
    });
  }
  return key;
}

/** Answers a create: 201 with the integration, or throws the problem that describes it. */
export function answerCreate(outcome: CreateOutcome, reply: FastifyReply): FastifyReply {
  switch (outcome.kind) {
    case 'invalid':
      throw new ApiError('VALIDATION_FAILED', describeErrors(outcome.errors.length), {
        errors: outcome.errors,
        warnings: outcome.warnings,
      });
    case 'key-reused':
      throw new ApiError(
        'IDEMPOTENCY_KEY_REUSED',
        `This Idempotency-Key started integration ${outcome.integrationId} with another ` +
          'request. Use a new key for a new request.',
        { integrationId: outcome.integrationId },
      );
    case 'in-progress':
      throw inProgress(outcome.integrationId, outcome.claim);
    case 'halted':
      reply.header('location', locationOf(outcome.integration)).header('retry-after', '30');
      throw new ApiError('INTEGRATION_INTERRUPTED', interruptedDetail(outcome.reason), {
        integration: outcome.integration,
      });
    case 'replayed':
      reply.header('idempotent-replayed', 'true');
      return answerIntegration(outcome.integration, reply, outcome.integration.requestId);
    case 'finished':
      return answerIntegration(outcome.integration, reply);
    case 'accepted':
      return reply
        .code(202)
        .header('location', locationOf(outcome.integration))
        .header('preference-applied', 'respond-async')
        .send(outcome.integration);
  }
}

function answerIntegration(
  integration: Integration,
  reply: FastifyReply,
  originalRequestId?: string,
): FastifyReply {
  reply.header('location', locationOf(integration));
  if (integration.status === 'succeeded') return reply.code(201).send(integration);
  const failure = integration.failure;
  const code: ErrorCode =
    failure !== undefined && failure.code in ERRORS
      ? (failure.code as ErrorCode)
      : 'INTERNAL_ERROR';
  const extensions: Record<string, unknown> = { integration };
  // A refused preflight lists its failed checks at the top, where a caller looks first.
  if (failure?.code === 'VAULT_PREFLIGHT_FAILED' && integration.preflight !== undefined) {
    extensions.failedChecks = integration.preflight.checks.filter(
      (check) => check.outcome === 'failed',
    );
  }
  // A replay is the first answer again, down to the request id it carried.
  if (originalRequestId !== undefined) extensions.requestId = originalRequestId;
  throw new ApiError(code, failure?.detail ?? 'The integration did not succeed.', extensions);
}

function inProgress(integrationId: string, claim?: { kind: string; id: string }): ApiError {
  const detail =
    claim === undefined
      ? `The integration this Idempotency-Key started (${integrationId}) is still running; ` +
        'ask again when it has ended.'
      : `Integration ${integrationId} is working on the ${claim.kind} "${claim.id}" right now; ` +
        'send this request again once it has ended.';
  return new ApiError('INTEGRATION_IN_PROGRESS', detail, {
    integrationId,
    ...(claim === undefined ? {} : { resource: claim }),
  });
}

function locationOf(integration: Integration): string {
  return `/vault-integrations/${integration.id}`;
}

function describeErrors(count: number): string {
  return count === 1
    ? 'The request has one problem; see errors.'
    : `The request has ${count} problems; see errors.`;
}

/** Why the run stopped before its end, and what the caller does now. */
function interruptedDetail(reason: HaltReason): string {
  const why =
    reason === 'shutdown'
      ? 'The service is stopping; recovery rolls this integration back.'
      : 'This replica was too slow to renew its lease on the integration, so another ' +
        "replica's recovery rolls it back.";
  return `${why} Send the request again in a moment, with the same Idempotency-Key if you used one.`;
}
