/**
 * Validation as a caller of POST /vault-integrations sees it: every fault in one 400 answer,
 * nothing sent to TSM, the refusal audited, a private key kept out of every record, and the
 * warnings of an untidy but valid request handed back with the created integration.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePrivateKeyPem, makeRoot } from '../support/certificates.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import {
  auditRecords,
  databaseText,
  documentationRequest,
  expectNoKeyFragment,
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  tsmRequests,
} from './support/http-expectations.js';

describe('validation over HTTP', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  it('reports faults of every section in one 400 VALIDATION_FAILED and calls no TSM', async () => {
    const request = {
      caBundle: { id: '-bad-bundle-id', pem: (await makeRoot()).pem },
      account: { ...section(requestWithoutBundle(), 'account'), vaultUrl: 'https://vault.example' },
      certificateAuthority: {
        ...section(requestWithoutBundle(), 'certificateAuthority'),
        vaultPath: 'pki_int/issue/example-dot-com',
      },
    };

    const answer = await harness.call('POST', '/vault-integrations', { body: request });

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    const expected = [
      { pointer: '/caBundle/id', code: 'ID_INVALID' },
      { pointer: '/account/vaultUrl', code: 'VAULT_URL_PORT_REQUIRED' },
      { pointer: '/certificateAuthority/vaultPath', code: 'VAULT_PATH_ISSUE_ENDPOINT' },
    ];
    for (const fault of expected) {
      expect(problem.errors).toContainEqual({ ...fault, message: expect.any(String) as unknown });
    }
    expect(problem.errors?.every((error) => error.message.length > 0)).toBe(true);
    expect(tsmRequests(harness)).toEqual([]);
  });

  it('refuses a whole Vault URL pasted as the sign path, naming the path to send', async () => {
    const request = requestWithoutBundle();
    const vaultUrl = String(section(request, 'account').vaultUrl);
    const certificateAuthority = {
      ...section(request, 'certificateAuthority'),
      vaultPath: `${vaultUrl}/v1/pki_int/sign/example-dot-com`,
    };

    const answer = await harness.call('POST', '/vault-integrations', {
      body: { ...request, certificateAuthority },
    });

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      {
        pointer: '/certificateAuthority/vaultPath',
        code: 'VAULT_PATH_IS_URL',
        message: expect.stringContaining('"pki_int/sign/example-dot-com"') as unknown,
      },
    ]);
    expect(tsmRequests(harness)).toEqual([]);
  });

  it('audits a refusal as integration.validation_failed with pointers and codes', async () => {
    const request = requestWithoutBundle();
    const account = section(request, 'account');
    const refused = { ...request, account: { ...account, roleName: 'bad role!' } };

    const answer = await harness.call('POST', '/vault-integrations', {
      body: refused,
      headers: { 'x-request-id': 'refused-request-1' },
    });

    expectProblem(answer, 'VALIDATION_FAILED');
    const records = await auditRecords(harness, { action: 'integration.validation_failed' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      actor: 'portal',
      requestId: 'refused-request-1',
      details: { errors: [{ pointer: '/account/roleName', code: 'ROLE_NAME_INVALID' }] },
    });
  });

  it('refuses a private key and keeps it out of answer, logs and database', async () => {
    const privateKey = makePrivateKeyPem('rsa');
    const request = documentationRequest();
    const bundle = section(request, 'caBundle');
    const pem = `${String(bundle.pem)}${privateKey}`;

    const answer = await harness.call('POST', '/vault-integrations', {
      body: { ...request, caBundle: { ...bundle, pem } },
    });

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual(
      expect.objectContaining({ pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' }),
    );
    expect(tsmRequests(harness)).toEqual([]);
    expectNoKeyFragment(answer.text, privateKey, 'the answer');
    expectNoKeyFragment(harness.logLines.join('\n'), privateKey, 'the logs');
    expectNoKeyFragment(await databaseText(harness), privateKey, 'the database');
  });

  it('answers 201 with the warnings of an untidy but valid request', async () => {
    const request = documentationRequest();
    const bundle = section(request, 'caBundle');
    const account = section(request, 'account');
    const untidy = {
      ...request,
      caBundle: { ...bundle, pem: String(bundle.pem).replace(/\n/g, '\r\n') },
      account: { ...account, vaultUrl: `${String(account.vaultUrl)}/` },
    };

    const answer = await harness.call('POST', '/vault-integrations', { body: untidy });

    const integration = expectStatus<{ warnings: { pointer: string; code: string }[] }>(
      answer,
      201,
    );
    expect(integration.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/caBundle/pem', code: 'PEM_LINE_ENDINGS_NORMALIZED' }),
        expect.objectContaining({
          pointer: '/account/vaultUrl',
          code: 'VAULT_URL_TRAILING_SLASH_REMOVED',
        }),
      ]),
    );
    const sentBundle = harness.sim.resource('certificates', 'my-CA-bundle');
    expect(JSON.stringify(sentBundle)).not.toContain('\\r');
  });
});

function section(request: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = request[name];
  if (typeof value !== 'object' || value === null) throw new Error(`no section ${name}`);
  return value as Record<string, unknown>;
}
