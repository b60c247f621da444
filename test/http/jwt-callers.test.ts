/**
 * Callers with a JWT of the organization's identity provider: the token is checked against the
 * provider's key set (a real JWKS on loopback) for signature, issuer, audience, expiry and
 * not-before within the clock skew, and its scopes claim decides what the caller may do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  epochSeconds,
  startIdentityProvider,
  trustedProviderEnv,
  validClaims,
  type IdentityProvider,
} from '../support/identity-provider.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import {
  auditRecords,
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  tsmRequests,
} from './support/http-expectations.js';

const ALL_SCOPES = ['integrations:write', 'integrations:read', 'audit:read'];
const CLOCK_SKEW_SECONDS = 30;

/** Tokens the service refuses with 401: the case, the claims that differ, what `detail` says. */
const REFUSED_TOKENS: [string, Record<string, unknown>, RegExp][] = [
  ['expired beyond the clock skew', { exp: epochSeconds(-CLOCK_SKEW_SECONDS - 60) }, /expired/],
  ['not valid yet beyond it', { nbf: epochSeconds(CLOCK_SKEW_SECONDS + 60) }, /not valid yet/],
  ['of another issuer', { iss: 'https://elsewhere.example.com/' }, /another issuer/],
  ['for another audience', { aud: 'another-service' }, /another audience/],
  ['without exp', { exp: undefined }, /no exp claim/],
  ['without sub', { sub: undefined }, /no sub claim/],
];

describe('callers with a JWT', () => {
  let provider: IdentityProvider;
  let harness: Harness;

  beforeAll(async () => {
    provider = await startIdentityProvider();
    harness = await startHarness({
      env: {
        ...trustedProviderEnv(provider),
        JWT_SCOPES_CLAIM: 'permissions',
        JWT_CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS),
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await provider.close();
  });

  /** A token with the scopes in the configured claim (`permissions`), other claims overridden. */
  const tokenFor = (subject: string, scopes: string | string[], claims: object = {}) =>
    provider.sign({ ...validClaims(subject, []), permissions: scopes, ...claims });

  const callWith = (token: string, method: string, path: string, body?: unknown) =>
    harness.call(method, path, { body, headers: { authorization: `Bearer ${token}` } });

  it("names a token's subject as the actor of the answer and of every audit record", async () => {
    const token = await tokenFor('alice@example.com', ALL_SCOPES);

    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('jwt-alice'),
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'jwt-alice-1' },
    });

    const integration = expectStatus<{ actor: string }>(answer, 201);
    expect(integration.actor).toBe('jwt:alice@example.com');
    const records = (await auditRecords(harness)).filter((r) => r.requestId === 'jwt-alice-1');
    expect(records.map((record) => record.action)).toEqual(
      expect.arrayContaining(['http.request', 'tsm.call']),
    );
    expect(new Set(records.map((record) => record.actor))).toEqual(
      new Set(['jwt:alice@example.com']),
    );
    expect(answer.text).not.toContain(token);
    expect(harness.logLines.join('\n')).not.toContain(token);
  });

  it('reads scopes from a space-separated string too, ignoring those of other services', async () => {
    const token = await tokenFor('bob', 'integrations:read other-service:admin');

    expect((await callWith(token, 'GET', '/vault-integrations')).status).toBe(200);
    const refused = await callWith(token, 'GET', '/audit-records');

    expect(expectProblem(refused, 'INSUFFICIENT_SCOPE').requiredScope).toBe('audit:read');
  });

  it('answers 403 INSUFFICIENT_SCOPE to a write without integrations:write', async () => {
    harness.sim.clearRequests();
    const token = await tokenFor('reader', ['integrations:read', 'audit:read']);

    const answer = await callWith(token, 'POST', '/vault-integrations', requestWithoutBundle('r'));

    const problem = expectProblem(answer, 'INSUFFICIENT_SCOPE');
    expect(problem.requiredScope).toBe('integrations:write');
    expect(answer.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="integrations:write"',
    );
    expect(tsmRequests(harness)).toEqual([]);
  });

  it('ignores scopes outside the configured claim', async () => {
    const token = await provider.sign(validClaims('scope-in-wrong-claim', ALL_SCOPES.join(' ')));

    const answer = await callWith(token, 'GET', '/vault-integrations');

    expectProblem(answer, 'INSUFFICIENT_SCOPE');
  });

  it('accepts a token expired or not yet valid by less than the clock skew', async () => {
    const justExpired = await tokenFor('late', ALL_SCOPES, { exp: epochSeconds(-10) });
    const almostValid = await tokenFor('early', ALL_SCOPES, { nbf: epochSeconds(10) });

    expect((await callWith(justExpired, 'GET', '/vault-integrations')).status).toBe(200);
    expect((await callWith(almostValid, 'GET', '/vault-integrations')).status).toBe(200);
  });

  it.each(REFUSED_TOKENS)('answers a token %s with 401 saying why', async (_case, claims, why) => {
    const token = await tokenFor('mallory', ALL_SCOPES, claims);

    const answer = await callWith(token, 'POST', '/vault-integrations', requestWithoutBundle('x'));

    const problem = expectProblem(answer, 'UNAUTHORIZED');
    expect(problem.detail).toMatch(why);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.text).not.toContain(token);
  });

  it("answers 401 to a token signed with a key outside the provider's key set", async () => {
    const token = await provider.signAsImpostor({
      ...validClaims('impostor', []),
      permissions: ALL_SCOPES,
    });

    const answer = await callWith(token, 'GET', '/vault-integrations');

    expect(expectProblem(answer, 'UNAUTHORIZED').detail).toMatch(/signature/);
  });

  it('answers 401 to an unsigned token (alg none)', async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const claims = { ...validClaims('nobody', []), permissions: ALL_SCOPES };
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;

    const answer = await callWith(unsigned, 'GET', '/vault-integrations');

    expectProblem(answer, 'UNAUTHORIZED');
  });

  it('still takes caller keys beside tokens', async () => {
    const answer = await harness.call('GET', '/vault-integrations');

    expect(answer.status).toBe(200);
  });
});

describe('when the identity provider cannot be reached', () => {
  let provider: IdentityProvider;
  let harness: Harness;

  beforeAll(async () => {
    provider = await startIdentityProvider();
    harness = await startHarness({ env: trustedProviderEnv(provider) });
    // The key set's address now answers nothing: tokens cannot be checked.
    await provider.close();
  });
  afterAll(() => harness.close());

  it('answers a token with 503, not 401, and still takes caller keys', async () => {
    const token = await provider.sign(validClaims('carol', ALL_SCOPES.join(' ')));

    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { authorization: `Bearer ${token}` },
    });

    expectProblem(answer, 'SERVICE_UNAVAILABLE');
    expect((await harness.call('GET', '/vault-integrations')).status).toBe(200);
  });
});

describe('without JWT_JWKS_URL', () => {
  let provider: IdentityProvider;
  let harness: Harness;

  beforeAll(async () => {
    provider = await startIdentityProvider();
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
    await provider.close();
  });

  it('refuses every token with 401, naming the setting', async () => {
    const token = await provider.sign(validClaims('dave', ALL_SCOPES.join(' ')));

    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(expectProblem(answer, 'UNAUTHORIZED').detail).toContain('JWT_JWKS_URL');
  });
});
