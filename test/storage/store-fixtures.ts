/**
 * Values the storage tests store: an integration as the orchestration would hand it over, its
 * journal, the start that stores it, audit entries, and a clock the test moves by hand.
 */
import type { Integration, IntegrationStatus } from '../../src/orchestration/integration.js';
import type { JournalEntry } from '../../src/orchestration/journal.js';
import type {
  AuditEntry,
  IdempotencyKey,
  IntegrationStart,
  IntegrationState,
  ResourceClaim,
} from '../../src/storage/store.js';

/** The time the manual clock starts at, and the integrations are created at. */
export const T0 = '2025-03-01T12:00:00.000Z';

/** The runner that starts the integrations of the fixtures. */
export const RUNNER = 'runner-a';

/** The time `seconds` after T0 (or before, when negative), ISO 8601. */
export function at(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString();
}

/** A clock whose time only changes when the test sets it. */
export interface ManualClock {
  now: () => Date;
  set: (iso: string) => void;
}

/** A manual clock starting at `iso`. */
export function manualClock(iso = T0): ManualClock {
  let current = new Date(iso);
  return { now: () => new Date(current), set: (next) => (current = new Date(next)) };
}

/** An integration that failed at its last step and could not undo everything. */
export function failedIntegration(id = 'int-1'): Integration {
  const tsmPath = '/tsm/v1alpha2/certificate-authorities/my-vault-ca-configuration';
  return {
    id,
    status: 'rollback_failed',
    caLabel: 'my-ca-label',
    actor: 'ops-team',
    requestId: 'req-1',
    onExisting: 'replace',
    resources: [
      {
        kind: 'caBundle',
        id: 'my-CA-bundle',
        tsmPath: '/tsm/v1alpha2/certificates/x',
        outcome: 'created',
      },
      { kind: 'certificateAuthority', id: 'my-vault-ca-configuration', tsmPath, outcome: 'failed' },
    ],
    steps: [
      {
        name: 'write',
        kind: 'certificateAuthority',
        method: 'PUT',
        tsmPath,
        result: 'failed',
        startedAt: '2025-03-01T12:00:00.100Z',
        durationMs: 42,
        attempts: [
          { attempt: 1, status: 503, startedAt: '2025-03-01T12:00:00.100Z', durationMs: 20 },
          {
            attempt: 2,
            error: 'ECONNRESET',
            startedAt: '2025-03-01T12:00:00.130Z',
            durationMs: 12,
          },
        ],
      },
    ],
    warnings: [{ pointer: '/caBundle/pem', code: 'PEM_REORDERED', message: 'Reordered.' }],
    failure: {
      code: 'ROLLBACK_FAILED',
      detail: 'The bundle could not be deleted.',
      causeCode: 'TSM_UNAVAILABLE',
    },
    leftInTsm: [
      { kind: 'caBundle', id: 'my-CA-bundle', tsmPath: '/x', state: 'created-not-deleted' },
    ],
    createdAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-01T12:00:01.000Z',
    finishedAt: '2025-03-01T12:00:01.000Z',
  };
}

/** An integration that has just started (or, given `status`, has come that far). */
export function startedIntegration(
  id = 'int-1',
  status: IntegrationStatus = 'in_progress',
  createdAt = T0,
): Integration {
  return {
    id,
    status,
    caLabel: 'my-ca-label',
    actor: 'ops-team',
    requestId: 'req-1',
    onExisting: 'reject',
    resources: [],
    steps: [],
    warnings: [],
    createdAt,
    updatedAt: createdAt,
  };
}

/** The integration with a journal; the journal holds one applied write unless given. */
export function stateOf(
  integration: Integration,
  journal: JournalEntry[] = [journalEntry(1)],
): IntegrationState {
  return { integration, journal };
}

/** A journal entry: the CA bundle replaced, with the snapshot of what TSM held before. */
export function journalEntry(seq: number, write: JournalEntry['write'] = 'applied'): JournalEntry {
  return {
    seq,
    kind: 'caBundle',
    id: 'my-CA-bundle',
    tsmPath: '/tsm/v1alpha2/certificates/my-CA-bundle',
    change: 'replace',
    bodyFingerprint: 'a'.repeat(64),
    snapshot: { pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    write,
  };
}

/** The three resource ids an integration claims, unique to it unless `prefix` is shared. */
export function claimsOf(prefix: string): ResourceClaim[] {
  return [
    { kind: 'caBundle', id: `${prefix}-bundle` },
    { kind: 'account', id: `${prefix}-account` },
    { kind: 'certificateAuthority', id: `${prefix}-ca` },
  ];
}

/** A caller's idempotency key for the integration, live for a day from T0. */
export function idempotencyKey(
  integrationId: string,
  overrides: Partial<IdempotencyKey> = {},
): IdempotencyKey {
  return {
    actor: 'ops-team',
    key: 'key-1',
    fingerprint: 'f'.repeat(64),
    integrationId,
    expiresAt: at(86_400),
    ...overrides,
  };
}

/**
 * The start of an in_progress integration: its own claims, RUNNER's lease until 30 s after T0,
 * no key, one audit record; any part can be given.
 */
export function startOf(id: string, overrides: Partial<IntegrationStart> = {}): IntegrationStart {
  return {
    state: stateOf(startedIntegration(id)),
    claims: claimsOf(id),
    lease: { owner: RUNNER, expiresAt: at(30) },
    audit: [auditEntry({ integrationId: id })],
    ...overrides,
  };
}

/** An audit entry; fields not given get plain values. */
export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    action: 'integration.started',
    actor: 'ops-team',
    requestId: 'req-1',
    integrationId: 'int-1',
    details: { note: 'fixture' },
    ...overrides,
  };
}

/** An entry the database must refuse: its actor is missing, which the types would not allow. */
export function entryWithoutActor(): AuditEntry {
  const entry: Partial<AuditEntry> = auditEntry();
  delete entry.actor;
  return entry as AuditEntry;
}
