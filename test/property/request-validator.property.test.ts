import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateIntegrationRequest } from '../../src/domain/validate-request.js';
import { documentationRequest } from '../support/requests.js';
import { startHarness, type Harness } from '../support/service-harness.js';

const NOW = new Date('2026-12-03T12:00:00Z');

/** Strings that look like the fields' real values, to get past the structural checks often. */
const plausibleString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'my-vault-account',
    'https://vault.example.internal:8200',
    'pki_int/sign/example-dot-com',
    '/v1/auth/kubernetes',
    'admin',
    'vault-issuer',
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    '',
  ),
);

/** A documented request with some fields replaced by arbitrary JSON. */
const mutatedRequest = fc
  .tuple(
    fc.constantFrom(
      ['caBundle', 'id'],
      ['caBundle', 'pem'],
      ['account', 'vaultUrl'],
      ['account', 'mountPath'],
      ['account', 'namespace'],
      ['account', 'serviceAccountName'],
      ['certificateAuthority', 'vaultPath'],
      ['certificateAuthority', 'label'],
      ['onExisting'],
      ['account'],
    ),
    fc.oneof(fc.jsonValue(), plausibleString),
  )
  .map(([path, value]) => {
    const request = documentationRequest() as unknown as Record<string, unknown>;
    const [section = '', field] = path as readonly string[];
    if (field === undefined) request[section] = value;
    else (request[section] as Record<string, unknown>)[field] = value;
    return request;
  });

const anyBody = fc.oneof(fc.jsonValue(), mutatedRequest);

describe('the request validator, fed arbitrary JSON', () => {
  it('never throws, and answers either a normalized integration or pointed errors', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const result = validateIntegrationRequest(body, { allowHttpVault: false, now: NOW });
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(error.pointer === '' || error.pointer.startsWith('/')).toBe(true);
          expect(error.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the service, fed arbitrary JSON over HTTP', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Every run is a write by one caller: the per-caller write limit is not what this tests.
    harness = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => harness.close());

  it('never answers 5xx, and nothing reaches TSM unless the request is valid', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        harness.sim.reset();
        const valid = validateIntegrationRequest(body, { allowHttpVault: false, now: new Date() });

        const answer = await harness.call('POST', '/vault-integrations', { body });

        expect(answer.status).toBeLessThan(500);
        const reachedTsm = harness.sim.requests().some((r) => r.path.startsWith('/tsm/'));
        expect(reachedTsm).toBe(valid.ok);
        expect(answer.status === 400).toBe(!valid.ok);
      }),
      { numRuns: 150 },
    );
  });
});
