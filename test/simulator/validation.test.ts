import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startSimulator,
  type ResourceCollection,
  type ResourceJson,
  type Simulator,
} from '../../src/simulator/index.js';
import {
  accessToken,
  accountBody,
  authorityBody,
  certificateBody,
  resourceUrl,
  call,
  seedDocumented,
  tsmCall,
} from './helpers.js';

describe('TSM-like validation of a PUT', () => {
  let sim: Simulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSimulator();
    token = await accessToken(sim);
  });

  afterEach(async () => {
    await sim.close();
  });

  async function refusal(collection: ResourceCollection, body: unknown): Promise<string> {
    const answer = await tsmCall(sim, token, collection, 'some-id', { method: 'PUT', body });
    expect(answer.status).toBe(400);
    expect(sim.resource(collection, 'some-id')).toBeUndefined();
    return (answer.body as { message: string }).message;
  }

  function without(body: ResourceJson, field: string): ResourceJson {
    const copy = structuredClone(body);
    delete copy[field];
    return copy;
  }

  it('accepts the three documented bodies in order', async () => {
    const bodies = [certificateBody(), accountBody(), authorityBody()];
    const ids = ['my-CA-bundle', 'my-vault-account', 'my-vault-ca-configuration'];
    const collections = ['certificates', 'external-accounts', 'certificate-authorities'] as const;

    for (const [index, collection] of collections.entries()) {
      const answer = await tsmCall(sim, token, collection, ids[index] ?? '', {
        method: 'PUT',
        body: bodies[index],
      });
      expect(answer.status).toBe(201);
    }
  });

  it('refuses a body that is not a JSON object', async () => {
    expect(await refusal('certificates', [certificateBody()])).toMatch(/JSON object/);
    expect(await refusal('certificates', 'a string')).toMatch(/JSON object/);
  });

  it('refuses malformed JSON with 400 and a {code, message} body', async () => {
    const answer = await call(resourceUrl(sim, 'certificates', 'x'), {
      method: 'PUT',
      headers: { 'csp-auth-token': token, 'content-type': 'application/json' },
      rawBody: '{"name": ',
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 400, message: 'The body is not valid JSON' });
  });

  it.each<[ResourceCollection, () => ResourceJson]>([
    ['certificates', certificateBody],
    ['external-accounts', accountBody],
    ['certificate-authorities', authorityBody],
  ])('refuses a %s without a name, or with an empty one', async (collection, body) => {
    seedDocumented(sim, 'external-accounts');

    expect(await refusal(collection, without(body(), 'name'))).toMatch(/name is required/);
    expect(await refusal(collection, { ...body(), name: '' })).toMatch(/name is required/);
  });

  describe('of a CA bundle', () => {
    it('refuses another certificateType', async () => {
      const body = { ...certificateBody(), certificateType: 'Certificate' };
      expect(await refusal('certificates', body)).toMatch(/certificateType/);
    });

    it('refuses a missing description (the documented empty one passes above)', async () => {
      expect(await refusal('certificates', without(certificateBody(), 'description'))).toMatch(
        /description is required/,
      );
    });

    it('refuses a cert_chain without a PEM certificate block', async () => {
      const body = { ...certificateBody(), certificateAuthorityBundle: { cert_chain: 'MIIB' } };
      expect(await refusal('certificates', body)).toMatch(/cert_chain/);
    });

    it('accepts a bundle without certificateAuthorityBundle', async () => {
      const body = without(certificateBody(), 'certificateAuthorityBundle');
      const answer = await tsmCall(sim, token, 'certificates', 'b', { method: 'PUT', body });
      expect(answer.status).toBe(201);
    });
  });

  describe('of an external account', () => {
    beforeEach(() => seedDocumented(sim, 'certificates'));

    it.each([
      ['provider', { provider: 'AWS' }],
      ['authentication_type', { authentication_type: 'TOKEN' }],
      ['auth_vault.type', { authentication: { auth_vault: { type: 'TOKEN' } } }],
      ['authentication.auth_vault', { authentication: {} }],
    ])('refuses a wrong %s', async (field, change) => {
      expect(await refusal('external-accounts', { ...accountBody(), ...change })).toContain(field);
    });

    it.each(['service_account_name', 'role_name'])('refuses an empty %s', async (field) => {
      const body = accountBody();
      const authentication = body.authentication as { auth_vault: Record<string, unknown> };
      authentication.auth_vault[field] = '';
      expect(await refusal('external-accounts', body)).toContain(`auth_vault.${field}`);
    });

    it('refuses a certificate_id naming no certificate, and names it', async () => {
      const body = { ...accountBody(), certificate_id: 'no-such-bundle' };
      expect(await refusal('external-accounts', body)).toMatch(/"no-such-bundle" not found/);
    });

    it('accepts an account without certificate_id', async () => {
      const body = without(accountBody(), 'certificate_id');
      const answer = await tsmCall(sim, token, 'external-accounts', 'a', { method: 'PUT', body });
      expect(answer.status).toBe(201);
    });
  });

  describe('of a CA configuration', () => {
    beforeEach(() => seedDocumented(sim, 'external-accounts'));

    it('refuses an accountId naming no external account, and names it', async () => {
      const body = { ...authorityBody(), accountId: 'no-such-account' };
      expect(await refusal('certificate-authorities', body)).toMatch(/"no-such-account" not found/);
    });

    it.each([
      ['no labels', undefined],
      ['another key', [{ key: 'Other', value: 'my-ca-label' }]],
      ['an empty value', [{ key: 'CertificateAuthority', value: '' }]],
    ])('refuses labels with %s', async (_case, labels) => {
      const body = { ...authorityBody(), labels };
      expect(await refusal('certificate-authorities', body)).toMatch(/labels/);
    });

    it('refuses a vault.path that is not a sign endpoint', async () => {
      const body = { ...authorityBody(), vault: { path: 'pki_int/issue/example-dot-com' } };
      expect(await refusal('certificate-authorities', body)).toMatch(/vault.path/);
    });

    it('reports every problem of a body in one message', async () => {
      const body = { name: 'x', accountId: 'nobody', vault: {} };
      const message = await refusal('certificate-authorities', body);
      expect(message).toMatch(/accountId.*labels.*vault.path/);
    });
  });
});

describe('referential integrity on DELETE', () => {
  let sim: Simulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSimulator();
    token = await accessToken(sim);
    seedDocumented(sim, 'certificate-authorities');
  });

  afterEach(async () => {
    await sim.close();
  });

  it('refuses to delete a certificate an account still names, with 409', async () => {
    const answer = await tsmCall(sim, token, 'certificates', 'my-CA-bundle', { method: 'DELETE' });

    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      code: 409,
      message:
        'certificates/my-CA-bundle is still referenced by external-accounts/my-vault-account',
    });
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeDefined();
  });

  it('refuses to delete an account a CA configuration still names, with 409', async () => {
    const answer = await tsmCall(sim, token, 'external-accounts', 'my-vault-account', {
      method: 'DELETE',
    });

    expect(answer.status).toBe(409);
    expect(sim.resource('external-accounts', 'my-vault-account')).toBeDefined();
  });

  it('deletes all three in reverse order of creation', async () => {
    const order = [
      ['certificate-authorities', 'my-vault-ca-configuration'],
      ['external-accounts', 'my-vault-account'],
      ['certificates', 'my-CA-bundle'],
    ] as const;

    for (const [collection, id] of order) {
      const answer = await tsmCall(sim, token, collection, id, { method: 'DELETE' });
      expect(answer.status).toBe(200);
    }
  });
});
