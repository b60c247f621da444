/**
 * Values the storage tests store: an integration as the orchestration would hand it over,
 * audit entries, and a clock the test moves by hand.
 */
import type { Integration } from '../../src/orchestration/integration.js';
import type { AuditEntry } from '../../src/storage/store.js';

/** A clock whose time only changes when the test sets it. */
export interface ManualClock {
  now: () => Date;
  set: (iso: string) => void;
}

/** A manual clock starting at `iso`. */
export function manualClock(iso = '2025-03-01T12:00:00.000Z'): ManualClock {
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

/** An integration that has just started. */
export function startedIntegration(id = 'int-1'): Integration {
  return {
    id,
    status: 'in_progress',
    caLabel: 'my-ca-label',
    actor: 'ops-team',
    requestId: 'req-1',
    onExisting: 'reject',
    resources: [],
    steps: [],
    warnings: [],
    createdAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-01T12:00:00.000Z',
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
