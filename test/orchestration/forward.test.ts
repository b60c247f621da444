/**
 * An integration that goes through: what it writes to TSM, in which order, what it leaves alone,
 * and how each call is reported and audited.
 */
import { describe, expect, it } from 'vitest';
import { planResources } from '../../src/domain/tsm-bodies.js';
import {
  DEADLINE_MS,
  REQUEST_ID,
  START,
  exampleIntegration,
  harness,
  INTEGRATION_ID,
} from './fixtures.js';

describe('an integration TSM accepts', () => {
  it('creates the bundle, the account and the CA configuration, in that order', async () => {
    const { tsm, run } = harness();

    const integration = await run();

    expect(integration.status).toBe('succeeded');
    expect(integration.resources).toEqual([
      {
        kind: 'caBundle',
        id: 'my-CA-bundle',
        tsmPath: '/tsm/v1alpha2/projects/default/certificates/my-CA-bundle',
        outcome: 'created',
      },
      {
        kind: 'account',
        id: 'my-vault-account',
        tsmPath: '/tsm/v1alpha1/external-accounts/my-vault-account',
        outcome: 'created',
      },
      {
        kind: 'certificateAuthority',
        id: 'my-vault-ca-configuration',
        tsmPath: '/tsm/v1alpha2/projects/default/certificate-authorities/my-vault-ca-configuration',
        outcome: 'created',
      },
    ]);
    expect(tsm.callNames().slice(3)).toEqual([
      'PUT caBundle',
      'PUT account',
      'PUT certificateAuthority',
    ]);
    for (const { kind, id, body } of planResources(exampleIntegration())) {
      expect(tsm.held(kind, id)).toEqual(body);
    }
  });

  it('answers the integration exactly as it is stored, finished, with the CA label', async () => {
    const { store, run } = harness();

    const integration = await run();

    expect(await store.getIntegration(INTEGRATION_ID)).toStrictEqual(integration);
    expect(integration).toMatchObject({
      id: INTEGRATION_ID,
      caLabel: 'my-ca-label',
      actor: 'ops-team',
      requestId: REQUEST_ID,
      onExisting: 'reject',
    });
    expect(integration.finishedAt).toEqual(expect.any(String));
    expect(integration.failure).toBeUndefined();
  });

  it('reads every planned resource at once before writing one at a time', async () => {
    const { tsm, run } = harness();

    await run();

    expect(tsm.callNames().slice(0, 3)).toEqual([
      'GET caBundle',
      'GET account',
      'GET certificateAuthority',
    ]);
    expect(tsm.maxConcurrentCalls).toBe(3);
  });

  it('leaves alone what TSM already holds as planned, and checks a referenced bundle', async () => {
    const { tsm, run } = harness();
    const integration = {
      ...exampleIntegration(),
      caBundle: { mode: 'reference', id: 'shared-bundle' } as const,
    };
    const bundleInTsm = { name: 'shared-bundle', certificateType: 'CertificateAuthorityBundle' };
    tsm.seed('caBundle', 'shared-bundle', bundleInTsm);
    const account = planResources(integration)[1]?.body ?? {};
    tsm.seed('account', 'my-vault-account', { ...account, id: 'x1', status: 'ACTIVE' });

    const result = await run(integration);

    expect(result.status).toBe('succeeded');
    expect(result.resources.map((resource) => resource.outcome)).toEqual([
      'referenced',
      'unchanged',
      'created',
    ]);
    expect(tsm.callNames().filter((name) => !name.startsWith('GET'))).toEqual([
      'PUT certificateAuthority',
    ]);
    expect(tsm.held('caBundle', 'shared-bundle')).toEqual(bundleInTsm);
  });

  it('passes the request id and the one forward deadline to every call', async () => {
    const { tsm, run } = harness();

    await run();

    expect(tsm.calls).toHaveLength(6);
    for (const call of tsm.calls) {
      expect(call).toMatchObject({ requestId: REQUEST_ID, deadline: START + DEADLINE_MS });
    }
  });

  it('reports every attempt of a call in its step, and audits each one', async () => {
    const { tsm, run, audit } = harness();
    tsm.script('PUT', 'account', {
      attempts: [{ status: 503 }, { error: 'ECONNRESET' }, { status: 201 }],
    });

    const integration = await run();

    const write = integration.steps.find(
      (step) => step.name === 'write' && step.kind === 'account',
    );
    expect(write).toMatchObject({ method: 'PUT', result: 'succeeded', durationMs: 15 });
    const at = (ms: number) => new Date(START + ms).toISOString();
    expect(write?.attempts).toEqual([
      { attempt: 1, status: 503, startedAt: at(20), durationMs: 5 },
      { attempt: 2, error: 'ECONNRESET', startedAt: at(25), durationMs: 5 },
      { attempt: 3, status: 201, startedAt: at(30), durationMs: 5 },
    ]);
    const path = write?.tsmPath;
    const audited = audit()
      .filter((record) => record.action === 'tsm.call' && record.details.path === path)
      .map((record) => record.details);
    const call = { phase: 'write', method: 'PUT', path, durationMs: 5 };
    expect(audited).toEqual([
      { ...call, phase: 'read', method: 'GET', attempt: 1, status: 404, startedAt: at(5) },
      { ...call, attempt: 1, status: 503, startedAt: at(20) },
      { ...call, attempt: 2, error: 'ECONNRESET', startedAt: at(25) },
      { ...call, attempt: 3, status: 201, startedAt: at(30) },
    ]);
  });

  it('reports a step for each read and each write, in the order they were made', async () => {
    const { run } = harness();

    const integration = await run();

    expect(integration.steps.map((step) => `${step.name} ${step.kind}`)).toEqual([
      'read caBundle',
      'read account',
      'read certificateAuthority',
      'write caBundle',
      'write account',
      'write certificateAuthority',
    ]);
  });

  it('audits the run in order, ending with exactly one terminal record', async () => {
    const { run, audit } = harness();

    await run();

    const records = audit();
    expect(records.map((record) => record.action)).toEqual([
      'integration.started',
      ...Array<string>(3).fill('tsm.call'),
      'integration.planned',
      // Each write: its intent journaled first, then the call, its outcome, the resource written.
      ...['journal.intent', 'tsm.call', 'journal.outcome', 'resource.written'],
      ...['journal.intent', 'tsm.call', 'journal.outcome', 'resource.written'],
      ...['journal.intent', 'tsm.call', 'journal.outcome', 'resource.written'],
      'integration.succeeded',
    ]);
    expect(records.at(-1)?.details).toEqual({ durationMs: 30 });
    for (const record of records) {
      expect(record).toMatchObject({ actor: 'ops-team', requestId: REQUEST_ID });
    }
  });

  it('hands back the validation warnings it was given', async () => {
    const { run } = harness();
    const warning = { pointer: '/caBundle/pem', code: 'PEM_REORDERED', message: 'Reordered.' };

    const integration = await run(exampleIntegration(), [warning]);

    expect(integration.warnings).toEqual([warning]);
  });
});
