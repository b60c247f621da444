/**
 * How each outcome of DELETE /vault-integrations/{id} is answered: 200 with the deleted
 * integration (also when it was deleted before), 202 when recovery finishes it, and a problem
 * for every way it can be refused or fail.
 */
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors.js';
import type { DeleteOutcome } from '../orchestration/deletion.js';

/** Answers a delete, or throws the problem that describes it; `id` is named as the caller sent it. */
export function answerDelete(
  outcome: DeleteOutcome,
  id: string,
  reply: FastifyReply,
): FastifyReply {
  switch (outcome.kind) {
    case 'not-found':
      throw new ApiError('NOT_FOUND', `No integration has the id ${id}.`);
    case 'not-deletable':
      throw new ApiError(
        'INTEGRATION_NOT_DELETABLE',
        `Integration ${id} is ${outcome.integration.status}: only a succeeded integration, or ` +
          'one whose deletion failed, can be deleted. A rolled back one left nothing in TSM.',
        { integration: outcome.integration },
      );
    case 'in-progress':
      throw new ApiError(
        'INTEGRATION_IN_PROGRESS',
        outcome.claim === undefined
          ? `Integration ${id} is being deleted right now; read it to follow the deletion.`
          : `Integration ${outcome.integrationId} is working on the ${outcome.claim.kind} ` +
              `"${outcome.claim.id}" right now; send DELETE again once it has ended.`,
        { integrationId: outcome.integrationId },
      );
    case 'in-use':
      throw new ApiError('CA_LABEL_IN_USE', outcome.failure.detail, {
        integration: outcome.integration,
        tsmStatus: outcome.failure.tsmStatus,
      });
    case 'halted':
      return reply
        .code(202)
        .header('location', `/vault-integrations/${outcome.integration.id}`)
        .send(outcome.integration);
    case 'already-deleted':
      return reply.code(200).send(outcome.integration);
    case 'finished': {
      const { integration } = outcome;
      if (integration.status === 'deleted') return reply.code(200).send(integration);
      throw new ApiError('DELETE_FAILED', integration.failure?.detail ?? 'The deletion failed.', {
        integration,
      });
    }
  }
}
