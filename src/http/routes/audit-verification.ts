/** GET /audit-records/verification: walks the audit hash chain and says whether it is intact. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../audit/chain-verifier.js';
import type { Store } from '../../storage/store.js';
import { VERIFICATION_EXAMPLES } from '../examples.js';
import { jsonAnswer, problemResponses } from '../schemas.js';

const HashSchema = Type.String({ pattern: '^[0-9a-f]{64}$' });

const VerificationSchema = Type.Object({
  valid: Type.Boolean({ description: 'True when every record is where the service put it.' }),
  checked: Type.Integer({ description: 'Records found in place before the walk ended.' }),
  head: Type.Object(
    { sequence: Type.Integer(), hash: HashSchema },
    { description: 'The newest record the walk reached; keep its hash elsewhere as an anchor.' },
  ),
  firstBreak: Type.Optional(
    Type.Object(
      {
        kind: Type.Union([
          Type.Literal('changed'),
          Type.Literal('removed'),
          Type.Literal('inserted'),
        ]),
        id: Type.Optional(Type.Integer({ description: 'The record at fault; absent if removed.' })),
        sequence: Type.Union([Type.Integer(), Type.Null()], {
          description: 'Its place in the chain (the removed record’s); null for none.',
        }),
        reason: Type.String(),
      },
      { description: 'Where the chain first breaks; absent when valid.' },
    ),
  ),
});

/** Registers the verification route. */
export function registerAuditVerificationRoute(app: FastifyInstance, store: Store): void {
  app.get(
    '/audit-records/verification',
    {
      config: { scope: 'audit:read' },
      schema: {
        summary: 'Verify the audit hash chain',
        description:
          'Walks every audit record from the first and checks each against its hash and the ' +
          'hash its successor holds for it. A broken chain is still a 200, with valid false.',
        tags: ['audit'],
        response: {
          200: jsonAnswer('What the walk found.', VerificationSchema, {
            examples: VERIFICATION_EXAMPLES,
          }),
          ...problemResponses(401, 403, 500),
        },
      },
    },
    () => verifyAuditChain(store),
  );
}
