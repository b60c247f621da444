import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeRoot } from '../support/certificates.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import {
  ACCOUNT_PATH,
  BUNDLE_PATH,
  CA_PATH,
  documentationRequest,
  tsmWrites,
} from '../support/requests.js';

interface Answered {
  code: string;
  integration: {
    status: string;
    resources: { kind: string; outcome: string }[];
    failure?: { code: string; causeCode?: string; kind?: string; conflicts?: unknown[] };
    leftInTsm?: { kind: string; id: string; state: string }[];
  };
}

const OTHER_VAULT = 'https://other-vault.example.internal:8200';

function outcomes(answer: { body: unknown }): string[] {
  return (answer.body as Answered).integration.resources.map((r) => `${r.kind}:${r.outcome}`);
}

function writes(harness: Harness): string[] {
  return tsmWrites(harness.sim).map((write) => `${write.method} ${write.path} ${write.status}`);
}

function storedIds(harness: Harness): Record<string, string[]> {
  return {
    certificates: [...harness.sim.resources('certificates').keys()],
    accounts: [...harness.sim.resources('external-accounts').keys()],
    cas: [...harness.sim.resources('certificate-authorities').keys()],
  };
}

const NOTHING = { certificates: [], accounts: [], cas: [] };

/** Polls an integration until it reaches `status` (recovery works in the background). */
async function waitForStatus(
  harness: Harness,
  id: string,
  status: string,
): Promise<Answered['integration']> {
  return vi.waitFor(
    async () => {
      const answer = await harness.call('GET', `/vault-integrations/${id}`);
      const integration = answer.body as Answered['integration'];
      if (integration.status !== status) throw new Error(`still ${integration.status}`);
      return integration;
    },
    { timeout: 10_000, interval: 100 },
  );
}

/** The documented account as it would sit in TSM, pointing at another Vault. */
function otherAccount(): Record<string, unknown> {
  return {
    name: 'my-vault-account',
    description: 'set up by hand',
    provider: 'VAULT',
    provider_url: OTHER_VAULT,
    authentication_type: 'VAULT_CREDENTIALS',
    authentication: {
      auth_vault: { type: 'K8S_SERVICE_ACCOUNT', service_account_name: 'x', role_name: 'y' },
    },
  };
}

describe('rolling back when a step fails for good', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  const create = (onExisting: 'reject' | 'replace' = 'reject') =>
    harness.call('POST', '/vault-integrations', { body: documentationRequest({ onExisting }) });

  it('deletes the bundle when TSM rejects the account (step 2): 422 TSM_REJECTED', async () => {
    harness.sim.injectFault({ method: 'PUT', path: ACCOUNT_PATH, status: 400 });

    const answer = await create();

    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'TSM_REJECTED',
      integration: { status: 'rolled_back', failure: { code: 'TSM_REJECTED', kind: 'account' } },
    });
    expect(outcomes(answer)).toEqual([
      'caBundle:deleted',
      'account:failed',
      'certificateAuthority:pending',
    ]);
    expect(writes(harness)).toEqual([
      `PUT ${BUNDLE_PATH} 201`,
      `PUT ${ACCOUNT_PATH} 400`,
      `DELETE ${BUNDLE_PATH} 200`,
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('deletes account then bundle when the CA configuration (step 3) stays unavailable: 502', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503, count: Infinity });

    const answer = await create();

    expect(answer.status).toBe(502);
    expect((answer.body as Answered).code).toBe('TSM_UNAVAILABLE');
    // The CA configuration may have been applied behind a 5xx: it is read back first (absent).
    const afterFailure = harness.sim
      .requests()
      .filter((request) => request.path.startsWith('/tsm/'))
      .slice(-3)
      .map((request) => `${request.method} ${request.path} ${request.status}`);
    expect(afterFailure).toEqual([
      `GET ${CA_PATH} 404`,
      `DELETE ${ACCOUNT_PATH} 200`,
      `DELETE ${BUNDLE_PATH} 200`,
    ]);
    expect(writes(harness).filter((write) => write.startsWith(`PUT ${CA_PATH}`))).toHaveLength(5);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('undoes a write that TSM applied although its answer was lost', async () => {
    harness.sim.injectFault({
      method: 'PUT',
      path: CA_PATH,
      applyFirst: true,
      drop: true,
      count: Infinity,
    });

    const answer = await create();

    expect(answer.status).toBe(502);
    expect((answer.body as Answered).integration.status).toBe('rolled_back');
    expect(outcomes(answer)).toEqual([
      'caBundle:deleted',
      'account:deleted',
      'certificateAuthority:deleted',
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('puts a replaced account back as it was when a later step fails', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', otherAccount());
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });

    const answer = await create('replace');

    expect(answer.status).toBe(422);
    expect(outcomes(answer)).toEqual([
      'caBundle:deleted',
      'account:restored',
      'certificateAuthority:failed',
    ]);
    expect(harness.sim.resource('external-accounts', 'my-vault-account')).toEqual(otherAccount());
    expect(storedIds(harness)).toEqual({
      certificates: [],
      accounts: ['my-vault-account'],
      cas: [],
    });
  });

  it('ends rollback_failed, lists exactly what stays, and recovery cleans up later: 502', async () => {
    // A harness of its own: the integration keeps its claims until recovery has cleaned up.
    const own = await startHarness({ env: { RECOVERY_INTERVAL_MS: '200' } });
    try {
      own.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
      own.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 500, count: Infinity });

      const answer = await own.call('POST', '/vault-integrations', {
        body: documentationRequest(),
      });

      expect(answer.status).toBe(502);
      const body = answer.body as Answered & { integration: { id: string } };
      expect(body.code).toBe('ROLLBACK_FAILED');
      expect(body.integration.failure).toMatchObject({
        code: 'ROLLBACK_FAILED',
        causeCode: 'TSM_REJECTED',
      });
      // The bundle cannot go while the account that names it stays (TSM answers 409).
      expect(body.integration.leftInTsm).toEqual([
        {
          kind: 'caBundle',
          id: 'my-CA-bundle',
          tsmPath: BUNDLE_PATH,
          state: 'created-not-deleted',
        },
        {
          kind: 'account',
          id: 'my-vault-account',
          tsmPath: ACCOUNT_PATH,
          state: 'created-not-deleted',
        },
      ]);
      expect(storedIds(own)).toEqual({
        certificates: ['my-CA-bundle'],
        accounts: ['my-vault-account'],
        cas: [],
      });
      // Recovery retries it every 200 ms and it shows rolling_back while a retry runs, so on a
      // busy machine one listing can fall inside a retry; between retries it is listed.
      await vi.waitFor(
        async () => {
          const listed = await own.call('GET', '/vault-integrations?status=rollback_failed');
          expect((listed.body as { integrations: { id: string }[] }).integrations).toEqual([
            expect.objectContaining({ id: body.integration.id }),
          ]);
        },
        { timeout: 15_000, interval: 50 },
      );

      own.sim.clearFaults();
      const recovered = await waitForStatus(own, body.integration.id, 'rolled_back');

      expect(recovered.leftInTsm).toBeUndefined();
      expect(storedIds(own)).toEqual(NOTHING);
      const again = await own.call('POST', '/vault-integrations', { body: documentationRequest() });
      expect(again.status).toBe(201);
    } finally {
      await own.close();
    }
  });

  it('answers 504 TSM_TIMEOUT and rolls back when the deadline passes', async () => {
    const slow = await startHarness({ env: { INTEGRATION_DEADLINE_MS: '1000' } });
    try {
      slow.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 429, retryAfter: '30' });

      const answer = await slow.call('POST', '/vault-integrations', {
        body: documentationRequest(),
      });

      expect(answer.status).toBe(504);
      expect((answer.body as Answered).integration).toMatchObject({
        status: 'rolled_back',
        failure: { code: 'TSM_TIMEOUT' },
      });
      expect(storedIds(slow)).toEqual(NOTHING);
    } finally {
      await slow.close();
    }
  });
});

describe('resources that already exist with other content', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  it('answers 409 TSM_RESOURCE_EXISTS naming the resource and field, before any change', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', otherAccount());

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect(answer.status).toBe(409);
    const body = answer.body as Answered & { detail: string };
    expect(body.code).toBe('TSM_RESOURCE_EXISTS');
    expect(body.detail).toContain('my-vault-account');
    expect(body.integration.failure?.conflicts).toEqual([
      expect.objectContaining({
        kind: 'account',
        id: 'my-vault-account',
        differingFields: expect.arrayContaining(['/provider_url', '/description']) as unknown,
      }),
    ]);
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('replaces a bundle with other roots and warns that the roots of trust change', async () => {
    const otherRoot = await makeRoot({ subject: 'Old root' });
    const oldBundle = {
      name: 'my-CA-bundle',
      description: '',
      certificateType: 'CertificateAuthorityBundle',
      certificateAuthorityBundle: { cert_chain: otherRoot.pem },
    };
    harness.sim.seed('certificates', 'my-CA-bundle', oldBundle);

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest({ onExisting: 'replace' }),
    });

    expect(answer.status).toBe(201);
    const body = answer.body as Answered['integration'] & { warnings: { code: string }[] };
    expect(body.resources[0]).toMatchObject({ kind: 'caBundle', outcome: 'replaced' });
    expect(body.warnings.map((warning) => warning.code)).toContain('ROOTS_OF_TRUST_CHANGED');
  });
});

describe('leaving in TSM a write whose answer was lost', () => {
  // A harness per test: a rollback_failed integration keeps its ids claimed.
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  it('names created-not-deleted a write whose answer was lost, when reading TSM shows it stays', async () => {
    harness.sim.injectFault({
      method: 'PUT',
      path: CA_PATH,
      applyFirst: true,
      drop: true,
      count: Infinity,
    });
    harness.sim.injectFault({ method: 'DELETE', path: CA_PATH, status: 500, count: Infinity });

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect(answer.status).toBe(502);
    expect((answer.body as Answered).code).toBe('ROLLBACK_FAILED');
    // The account and the bundle stay too: the CA configuration left in TSM still names them.
    expect((answer.body as Answered).integration.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'created-not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'created-not-deleted' }),
      expect.objectContaining({ kind: 'certificateAuthority', state: 'created-not-deleted' }),
    ]);
    expect(storedIds(harness).cas).toEqual(['my-vault-ca-configuration']);
  });

  it('marks unverified a write whose answer was lost when TSM can neither be read nor undo it', async () => {
    harness.sim.injectFault({
      method: 'PUT',
      path: CA_PATH,
      applyFirst: true,
      drop: true,
      count: Infinity,
    });
    // The read before the writes passes; every later call on the CA configuration is dropped.
    harness.sim.injectFault({ method: 'GET', path: CA_PATH, delayMs: 0, count: 1 });
    harness.sim.injectFault({ path: CA_PATH, drop: true, count: Infinity });

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect((answer.body as Answered).code).toBe('ROLLBACK_FAILED');
    expect((answer.body as Answered).integration.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'created-not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'created-not-deleted' }),
      expect.objectContaining({ kind: 'certificateAuthority', state: 'unverified' }),
    ]);
  });
});
