/** GET /vault-integrations/{id} as a caller sees it: the stored integration, or a problem. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest, expectProblem, expectStatus } from './support/http-expectations.js';

describe('reading an integration', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('returns what POST answered, at the Location it gave', async () => {
    const created = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    const integration = expectStatus<{ id: string; status: string }>(created, 201);
    expect(integration.status).toBe('succeeded');
    const location = created.headers.location;
    expect(location).toBe(`/vault-integrations/${integration.id}`);

    const read = await harness.call('GET', String(location));

    expect(expectStatus(read, 200)).toEqual(integration);
  });

  it('answers an unknown uuid with 404 NOT_FOUND', async () => {
    const id = randomUUID();

    const answer = await harness.call('GET', `/vault-integrations/${id}`);

    const problem = expectProblem(answer, 'NOT_FOUND');
    expect(problem.detail).toContain(id);
    expect(problem.instance).toBe(`/vault-integrations/${id}`);
  });

  it('answers an id of any other form with 404 NOT_FOUND, for GET and DELETE', async () => {
    const read = await harness.call('GET', '/vault-integrations/nope');
    const deleted = await harness.call('DELETE', '/vault-integrations/nope');

    expect(expectProblem(read, 'NOT_FOUND').detail).toContain('nope');
    expect(expectProblem(deleted, 'NOT_FOUND').detail).toContain('nope');
  });

  it('asks for a caller key before it says whether an integration exists', async () => {
    const answer = await harness.call('GET', `/vault-integrations/${randomUUID()}`, {
      headers: { authorization: '' },
    });

    expectProblem(answer, 'UNAUTHORIZED');
  });
});
