/** The answer of POST /vault-integrations?dryRun=true, as OpenAPI documents it. */
import { Type } from '@sinclair/typebox';
import { RESOURCE_KINDS } from '../domain/resources.js';
import { FindingSchema, PreflightSchema } from './schemas.js';

const literals = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

const PlannedResource = Type.Object({
  kind: literals(RESOURCE_KINDS, 'Which TSM resource.'),
  id: Type.String(),
  action: literals(
    ['create', 'replace', 'unchanged', 'conflict', 'referenced', 'missing'],
    'What a real run would do: create or replace it (PUT), leave it (unchanged, referenced), or ' +
      'stop before any write (conflict: other content under onExisting "reject"; missing: a ' +
      'referenced bundle TSM does not hold).',
  ),
  tsmPath: Type.String({ description: 'Path of the resource in the TSM API.' }),
  body: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        'The exact body the PUT would send (for create and replace), or would want in TSM ' +
        '(unchanged, conflict). Absent for a referenced bundle.',
    }),
  ),
  differingFields: Type.Optional(
    Type.Array(Type.String(), {
      description: 'For replace and conflict: JSON pointers of the fields TSM holds otherwise.',
    }),
  ),
});

/** A preview: nothing was written to TSM and no integration was stored. */
export const PreviewSchema = Type.Object(
  {
    dryRun: Type.Literal(true),
    caLabel: Type.String({ description: 'CA label to onboard clusters with.' }),
    onExisting: literals(['reject', 'replace'], 'As in the request.'),
    wouldProceed: Type.Boolean({
      description:
        'false when a conflict, a missing bundle or a required Vault preflight that failed ' +
        'would stop a real run.',
    }),
    resources: Type.Array(PlannedResource, { description: 'In the order a run would call.' }),
    preflight: Type.Optional(PreflightSchema),
    preflightFailure: Type.Optional(
      Type.Object(
        { code: Type.String(), detail: Type.String() },
        {
          additionalProperties: true,
          description: 'Under VAULT_PREFLIGHT require: why a real run would stop before TSM.',
        },
      ),
    ),
    warnings: Type.Array(Type.Ref(FindingSchema)),
  },
  { description: 'The plan: what a real run would send to TSM. Nothing was changed.' },
);
