/**
 * GET /audit-records/verification and GET /audit-records/export as a caller sees them: integrations
 * run side by side, on one instance and on two instances sharing one PostgreSQL schema, leave one
 * valid chain; the export streams the selected records as JSON lines that a SIEM can re-check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditRecordHash } from '../../src/audit/audit-chain.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { createTestSchema, type TestSchema } from '../storage/support/postgres-schemas.js';
import {
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  type AuditRecordJson,
} from './support/http-expectations.js';

interface ExportedLine extends AuditRecordJson {
  sequence: number;
  previousHash: string;
  hash: string;
}

interface VerificationJson {
  valid: boolean;
  checked: number;
  head: { sequence: number; hash: string };
  firstBreak?: unknown;
}

const PARALLEL = 6;

async function createSideBySide(harnesses: Harness[], prefix: string): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, (_, index) => {
      const harness = harnesses[index % harnesses.length] as Harness;
      const body = requestWithoutBundle(`${prefix}-${index}`);
      return harness.call('POST', '/vault-integrations', { body });
    }),
  );
  return answers.map((answer) => expectStatus<{ id: string }>(answer, 201).id);
}

async function exported(harness: Harness, query = ''): Promise<ExportedLine[]> {
  const answer = await harness.call('GET', `/audit-records/export${query}`);
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^application\/x-ndjson/);
  expect(answer.text.endsWith('\n')).toBe(true);
  return answer.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExportedLine);
}

async function verification(harness: Harness): Promise<VerificationJson> {
  return expectStatus<VerificationJson>(
    await harness.call('GET', '/audit-records/verification'),
    200,
  );
}

/** Recomputes every link the way the README tells a SIEM to. */
function expectOneChain(lines: ExportedLine[]): void {
  let previous = GENESIS_HASH;
  lines.forEach((line, index) => {
    expect(line.sequence).toBe(index + 1);
    expect(line.previousHash).toBe(previous);
    const fields = {
      ...line,
      integrationId: line.integrationId ?? null,
      details: JSON.stringify(line.details),
    };
    expect(auditRecordHash(fields, line.previousHash)).toBe(line.hash);
    previous = line.hash;
  });
}

describe('the audit chain over HTTP, one instance on SQLite', () => {
  let harness: Harness;
  let ids: string[];

  beforeAll(async () => {
    harness = await startHarness();
    ids = await createSideBySide([harness], 'sqlite');
  });
  afterAll(() => harness.close());

  it('reports a valid chain that covers every record', async () => {
    const lines = await exported(harness);
    const answer = await verification(harness);

    expect(answer.valid).toBe(true);
    expect(answer.firstBreak).toBeUndefined();
    expect(answer.checked).toBeGreaterThanOrEqual(lines.length);
    expect(answer.head.sequence).toBe(answer.checked);
    expectOneChain(lines);
  });

  it('exports the records a filter selects, oldest first', async () => {
    const [first] = ids;
    const lines = await exported(harness, `?integrationId=${first}&action=tsm.call`);

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.integrationId === first && line.action === 'tsm.call')).toBe(
      true,
    );
    const order = lines.map((line) => line.id);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('answers an empty export for a filter that selects nothing', async () => {
    const answer = await harness.call('GET', '/audit-records/export?actor=nobody');

    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
  });

  it('refuses an unusable filter before it starts the export', async () => {
    const problem = expectProblem(
      await harness.call('GET', '/audit-records/export?since=yesterday'),
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(problem)).toContain('/since');
    expectProblem(
      await harness.call('GET', '/audit-records/export?colour=red'),
      'VALIDATION_FAILED',
    );
    const unknownAction = expectProblem(
      await harness.call('GET', '/audit-records/export?action=bogus'),
      'VALIDATION_FAILED',
    );
    expect(unknownAction.errors).toEqual([
      expect.objectContaining({
        pointer: '/action',
        message: expect.stringContaining('must be one of: http.request,') as string,
      }),
    ]);
  });

  it('answers 401 to a caller without a key', async () => {
    const unauthenticated = { headers: { authorization: '' } };
    for (const path of ['/audit-records/verification', '/audit-records/export']) {
      expectProblem(await harness.call('GET', path, unauthenticated), 'UNAUTHORIZED');
    }
  });
});

describe('the audit chain over HTTP, two instances on one PostgreSQL schema', () => {
  let schema: TestSchema;
  let instances: Harness[];

  beforeAll(async () => {
    schema = await createTestSchema();
    const first = await startHarness({ env: { DATABASE_URL: schema.url } });
    const second = await startHarness({
      env: { DATABASE_URL: schema.url },
      reuse: { sim: first.sim, dbPath: schema.url },
    });
    instances = [first, second];
  });
  afterAll(async () => {
    for (const instance of [...instances].reverse()) await instance.close();
    await schema.drop();
  });

  it('keeps one valid chain while both write side by side', async () => {
    await Promise.all([createSideBySide(instances, 'pg'), createSideBySide(instances, 'pg2')]);

    const [first, second] = instances as [Harness, Harness];
    const lines = await exported(second);
    const answer = await verification(first);

    expect(answer).toMatchObject({ valid: true });
    expect(answer.checked).toBeGreaterThanOrEqual(lines.length);
    expect(lines.length).toBeGreaterThan(PARALLEL * 2 * 5);
    expectOneChain(lines);
  });
});
