/**
 * The integration of TSM's own API guide, as one consolidated request, and every answer the API
 * gives about it. They are the examples of the OpenAPI document (and /docs); the demo sends the
 * request. The answers are derived from the request through the domain, so that ids, the CA label
 * and TSM paths agree everywhere.
 */
import type { IntegrationRequest } from '../domain/integration-request.js';
import { planResources } from '../domain/tsm-bodies.js';
import { validateIntegrationRequest } from '../domain/validate-request.js';
import { ERRORS, problemType, type ErrorCode } from '../errors.js';
import { resourcePath } from '../tsm/resource-paths.js';

/**
 * The self-signed root of the guide's example (CN "minica root ca 3b27cb", valid to 2123), as the
 * guide prints it: with four spaces after the BEGIN line, which the service normalizes away.
 */
const GUIDE_ROOT_CA = [
  '-----BEGIN CERTIFICATE-----    ',
  'MIIDSzCCAjOgAwIBAgIIOyfLeigPwDIwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UE',
  'AxMVbWluaWNhIHJvb3QgY2EgM2IyN2NiMCAXDTIzMDMyNTEyMjQ1NloYDzIxMjMw',
  'MzI1MTIyNDU2WjAgMR4wHAYDVQQDExVtaW5pY2Egcm9vdCBjYSAzYjI3Y2IwggEi',
  'MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCkn6FrEl/7XfEYxKDK78lJTdW7',
  'hMQiW/65cx92FbjXHfpBTJ7wows7hMfNfRoDdxtfby04It6gzFfKJfL+u/Y0SQbV',
  'WWrTEPTrbJ5B3JyTv6IJ4IujvTLG29dMU5oiW/i4wDuNO4S1RYoevAdBZz4zTXiP',
  'CSn4XNqC/LUd54KKnoQ1Pc3HKxgSbcwb9sJxEhr+dx++n9jaPxOKiczoIdgn3KkC',
  'LLGePbmDZx/TX8QvLdyXxtzdSRsQ8q8OLs4BiE83Dut3fibxGZPQcgIICNDf+NhE',
  'kGIgBh4nhKs+LTR5XRXYcd675XONAn3ifgcQKILE/urTSkETdZfaxEzvo5EhAgMB',
  'AAGjgYYwgYMwDgYDVR0PAQH/BAQDAgKEMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggr',
  'BgEFBQcDAjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBRY4vMgDhoBtwzT',
  'AQZYIIiOOL8YrzAfBgNVHSMEGDAWgBRY4vMgDhoBtwzTAQZYIIiOOL8YrzANBgkq',
  'hkiG9w0BAQsFAAOCAQEAALhcM1JumeJKQKrJ9D3dDh3Snr96E/0+k1OQd1f4cH5U',
  '1R4DeqN22wQYIBlg4RVGkBbniG2VVP/7Lxwf0Qpb0Ij3oPzoiFGoYRHK9iKUQaXn',
  'G2+FpaQW68DT1U1Eyv9GKNN/xyOT7sWuRGXYu7ydbYlB6WC9BGviy6tM38cz8Tuk',
  'ePVOe0Q5Igo5eFuxEMzCx2yBNUJ4g/pdvjTW1qolodR/8XIjx8b11i6kgwpfjiLS',
  '2gbG43rXF8qwffdXnIUKx7GTqhPinKc13Cpa8JY6i+8GF6YCZqBRjQm314UV8aVj',
  'B9RrXXFZIUt99j++j31lj9gP0Hm1iSqoP8qyPpWrUw==',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

/** The guide's three bodies as one request to POST /vault-integrations. */
export const DOCUMENTATION_EXAMPLE: IntegrationRequest = {
  caBundle: { id: 'my-CA-bundle', description: '', pem: GUIDE_ROOT_CA },
  account: {
    id: 'my-vault-account',
    description: 'my vault ca account',
    vaultUrl: 'https://my-vault-server-22608bc3.4514f36d.z1.hashicorp.cloud:8200',
    serviceAccountName: 'vault-issuer',
    roleName: 'pki_int',
    mountPath: '/v1/auth/tenant-02',
    namespace: 'admin',
  },
  certificateAuthority: {
    id: 'my-vault-ca-configuration',
    description: 'My Vault CA configuration',
    label: 'my-ca-label',
    vaultPath: 'pki_int/sign/example-dot-com',
  },
};

// One request, one caller, one moment: the answers below tell its story.
const INTEGRATION_ID = '0b9f5c2e-6d1a-4f3b-9c8e-2a7d4e1f6b30';
const REQUEST_ID = '5e2a7c14-93d8-4b6f-a1e0-7c3d9f2b8a46';
const DELETE_REQUEST_ID = 'c81d4e2f-0a7b-4c5d-8e9f-1b2a3c4d5e6f';
const ACTOR = 'deploy-pipeline';
const STARTED_AT = '2026-12-03T17:00:00.000Z';
const FINISHED_AT = '2026-12-03T17:00:01.204Z';
const DELETED_AT = '2026-12-04T09:30:00.000Z';
const DELETE_FINISHED_AT = '2026-12-04T09:30:00.842Z';

const validation = validateIntegrationRequest(DOCUMENTATION_EXAMPLE, {
  allowHttpVault: false,
  now: new Date(STARTED_AT),
});
if (!validation.ok) {
  throw new Error(`The documentation example is not valid: ${JSON.stringify(validation.errors)}`);
}
const PLANNED = planResources(validation.integration);
const CA_LABEL = DOCUMENTATION_EXAMPLE.certificateAuthority.label;

/** A time a given number of milliseconds after the integration started. */
const at = (ms: number) => new Date(Date.parse(STARTED_AT) + ms).toISOString();

const STEPS = PLANNED.flatMap((resource, index) => {
  const tsmPath = resourcePath(resource.kind, resource.id);
  const read = at(index * 400);
  const write = at(index * 400 + 150);
  return [
    {
      name: 'read' as const,
      kind: resource.kind,
      method: 'GET' as const,
      tsmPath,
      result: 'succeeded' as const,
      startedAt: read,
      durationMs: 112,
      attempts: [{ attempt: 1, status: 404, startedAt: read, durationMs: 112 }],
    },
    {
      name: 'write' as const,
      kind: resource.kind,
      method: 'PUT' as const,
      tsmPath,
      result: 'succeeded' as const,
      startedAt: write,
      durationMs: 187,
      attempts: [{ attempt: 1, status: 200, startedAt: write, durationMs: 187 }],
    },
  ];
});

const resourcesWith = (outcome: 'pending' | 'created' | 'deleted') =>
  PLANNED.map((resource) => ({
    kind: resource.kind,
    id: resource.id,
    tsmPath: resourcePath(resource.kind, resource.id),
    outcome,
  }));

/** 202 of POST /vault-integrations with Prefer: respond-async: stored, nothing called yet. */
export const ACCEPTED_INTEGRATION_EXAMPLE = {
  id: INTEGRATION_ID,
  status: 'in_progress',
  caLabel: CA_LABEL,
  actor: ACTOR,
  requestId: REQUEST_ID,
  onExisting: 'reject',
  resources: resourcesWith('pending'),
  steps: [] as typeof STEPS,
  warnings: validation.warnings,
  createdAt: STARTED_AT,
  updatedAt: STARTED_AT,
};

/** 201 of POST /vault-integrations and 200 of GET /vault-integrations/{id}: the same one, done. */
export const INTEGRATION_EXAMPLE = {
  ...ACCEPTED_INTEGRATION_EXAMPLE,
  status: 'succeeded',
  resources: resourcesWith('created'),
  steps: STEPS,
  updatedAt: FINISHED_AT,
  finishedAt: FINISHED_AT,
};

/** 200 of DELETE /vault-integrations/{id}: every resource the integration wrote is gone. */
export const DELETED_INTEGRATION_EXAMPLE = {
  ...INTEGRATION_EXAMPLE,
  status: 'deleted',
  resources: resourcesWith('deleted'),
  steps: [
    ...STEPS,
    ...[...PLANNED].reverse().map((resource, index) => {
      const startedAt = new Date(Date.parse(DELETED_AT) + index * 250).toISOString();
      return {
        name: 'delete' as const,
        kind: resource.kind,
        method: 'DELETE' as const,
        tsmPath: resourcePath(resource.kind, resource.id),
        result: 'succeeded' as const,
        startedAt,
        durationMs: 143,
        attempts: [{ attempt: 1, status: 200, startedAt, durationMs: 143 }],
      };
    }),
  ],
  deletion: {
    actor: ACTOR,
    requestId: DELETE_REQUEST_ID,
    startedAt: DELETED_AT,
    finishedAt: DELETE_FINISHED_AT,
  },
  updatedAt: DELETE_FINISHED_AT,
};

/** 202 of DELETE: the service is stopping; recovery finishes what is left. */
export const DELETING_INTEGRATION_EXAMPLE = {
  ...DELETED_INTEGRATION_EXAMPLE,
  status: 'deleting',
  resources: resourcesWith('created'),
  steps: STEPS,
  deletion: { actor: ACTOR, requestId: DELETE_REQUEST_ID, startedAt: DELETED_AT },
  updatedAt: DELETED_AT,
};

/** 200 of GET /vault-integrations. */
export const INTEGRATION_PAGE_EXAMPLE = {
  integrations: [INTEGRATION_EXAMPLE],
  nextCursor: 'eyJjcmVhdGVkQXQiOiIyMDI2LTEyLTAzVDE3OjAwOjAwLjAwMFoifQ',
};

/** 200 of POST /vault-integrations?dryRun=true: TSM holds none of the three yet. */
export const PREVIEW_EXAMPLE = {
  dryRun: true,
  caLabel: CA_LABEL,
  onExisting: 'reject',
  wouldProceed: true,
  resources: PLANNED.map((resource) => ({
    kind: resource.kind,
    id: resource.id,
    action: 'create',
    tsmPath: resourcePath(resource.kind, resource.id),
    body: resource.body,
  })),
  warnings: validation.warnings,
};

const AUDIT_RECORDS = [
  {
    id: 41,
    at: STARTED_AT,
    action: 'integration.started',
    actor: ACTOR,
    requestId: REQUEST_ID,
    integrationId: INTEGRATION_ID,
    details: { caLabel: CA_LABEL, onExisting: 'reject' },
  },
  {
    id: 42,
    at: at(150),
    action: 'tsm.call',
    actor: ACTOR,
    requestId: REQUEST_ID,
    integrationId: INTEGRATION_ID,
    details: {
      method: 'PUT',
      tsmPath: resourcePath(PLANNED[0]?.kind ?? 'caBundle', PLANNED[0]?.id ?? ''),
      status: 200,
      attempt: 1,
      durationMs: 187,
    },
  },
  {
    id: 43,
    at: FINISHED_AT,
    action: 'integration.succeeded',
    actor: ACTOR,
    requestId: REQUEST_ID,
    integrationId: INTEGRATION_ID,
    details: { caLabel: CA_LABEL },
  },
];

/** 200 of GET /audit-records: newest first. */
export const AUDIT_PAGE_EXAMPLE = { records: [...AUDIT_RECORDS].reverse(), nextCursor: '41' };

const HASHES = [
  '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
  '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8',
];
const BEFORE_FIRST = 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c';

/** 200 of GET /audit-records/export: one JSON object per line, oldest first. */
export const AUDIT_EXPORT_LINES = AUDIT_RECORDS.map((record, index) => ({
  ...record,
  sequence: index + 40,
  previousHash: index === 0 ? BEFORE_FIRST : (HASHES[index - 1] ?? null),
  hash: HASHES[index] ?? null,
}));

/** The export as the wire carries it. */
export const AUDIT_EXPORT_EXAMPLE = AUDIT_EXPORT_LINES.map(
  (line) => `${JSON.stringify(line)}\n`,
).join('');

/** 200 of GET /audit-records/verification, the chain intact and broken. */
export const VERIFICATION_EXAMPLES = {
  valid: {
    summary: 'Every record is where the service put it',
    value: { valid: true, checked: 43, head: { sequence: 42, hash: HASHES[2] } },
  },
  broken: {
    summary: 'A record was changed after it was written',
    value: {
      valid: false,
      checked: 41,
      head: { sequence: 40, hash: HASHES[0] },
      firstBreak: {
        kind: 'changed',
        id: 42,
        sequence: 41,
        reason: 'The record no longer matches its hash.',
      },
    },
  },
};

/** The answers of the probes. */
export const HEALTHY_EXAMPLE = { status: 'ok' };
export const READY_EXAMPLE = { status: 'ready' };

const problem = (code: ErrorCode, detail: string, instance: string, extra = {}) => ({
  type: problemType(code),
  title: ERRORS[code].title,
  status: ERRORS[code].status,
  detail,
  instance,
  code,
  requestId: REQUEST_ID,
  ...extra,
});

/** One problem answer per status, for the shared problem responses. */
export const PROBLEM_EXAMPLES: Record<number, ReturnType<typeof problem>> = {
  400: problem('VALIDATION_FAILED', 'The request has 1 error; see errors.', '/vault-integrations', {
    errors: [
      {
        pointer: '/certificateAuthority/label',
        code: 'FIELD_REQUIRED',
        message: 'Give certificateAuthority.label: the CA label clusters are onboarded with.',
      },
    ],
    warnings: [],
  }),
  401: problem(
    'UNAUTHORIZED',
    'Send Authorization: Bearer with a caller key.',
    '/vault-integrations',
  ),
  403: problem(
    'INSUFFICIENT_SCOPE',
    'This call needs the scope integrations:write.',
    '/vault-integrations',
    { requiredScope: 'integrations:write' },
  ),
  404: problem(
    'NOT_FOUND',
    `No integration has the id ${INTEGRATION_ID}.`,
    `/vault-integrations/${INTEGRATION_ID}`,
  ),
  409: problem(
    'TSM_RESOURCE_EXISTS',
    `TSM already holds ${DOCUMENTATION_EXAMPLE.account.id} with other content; ` +
      'send onExisting "replace" to overwrite it.',
    '/vault-integrations',
  ),
  413: problem(
    'PAYLOAD_TOO_LARGE',
    'The body is larger than 1048576 bytes.',
    '/vault-integrations',
  ),
  415: problem(
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the body as application/json.',
    '/vault-integrations',
  ),
  422: problem(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with another request; send a new key.',
    '/vault-integrations',
  ),
  429: problem('RATE_LIMITED', 'Retry after 30 seconds.', '/vault-integrations'),
  500: problem(
    'INTERNAL_ERROR',
    'An unexpected error occurred; the request id is logged.',
    '/vault-integrations',
  ),
  502: problem(
    'TSM_UNAVAILABLE',
    `TSM answered 503 to PUT ${resourcePath('account', DOCUMENTATION_EXAMPLE.account.id)} ` +
      'after 3 attempts; the integration was rolled back.',
    '/vault-integrations',
  ),
  503: problem('SERVICE_UNAVAILABLE', 'The database does not answer.', '/readyz'),
  504: problem(
    'TSM_TIMEOUT',
    'The integration ran out of time; it was rolled back.',
    '/vault-integrations',
  ),
};
