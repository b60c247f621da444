/**
 * What the HTTP tests share: the requests a caller sends, and the checks of what every answer
 * of a kind must look like (problem details, audit pages, the TSM side of the simulator).
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { ERRORS, type ErrorCode } from '../../../src/errors.js';
import { DOCUMENTATION_EXAMPLE } from '../../../src/http/examples.js';
import type { Answer, Harness } from '../../support/service-harness.js';

/** A problem answer's body, as the tests read it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: { pointer: string; code: string; message: string; in?: string }[];
  warnings?: { pointer: string; code: string; message: string }[];
  [extension: string]: unknown;
}

/** An audit record as GET /audit-records answers it. */
export interface AuditRecordJson {
  id: number;
  at: string;
  action: string;
  actor: string;
  requestId: string;
  integrationId?: string;
  details: Record<string, unknown>;
}

/** A page of GET /audit-records. */
export interface AuditPageJson {
  records: AuditRecordJson[];
  nextCursor?: string;
}

/** The documentation's integration, a fresh copy a test may change. */
export function documentationRequest(): Record<string, unknown> {
  return { ...structuredClone(DOCUMENTATION_EXAMPLE) };
}

/** A valid request without a CA bundle, with ids made unique by `suffix`. */
export function requestWithoutBundle(suffix = 'a'): Record<string, unknown> {
  return {
    account: {
      id: `vault-account-${suffix}`,
      vaultUrl: 'https://vault.example.internal:8200',
      serviceAccountName: 'vault-issuer',
      roleName: 'pki_int',
    },
    certificateAuthority: {
      id: `vault-ca-${suffix}`,
      label: `ca-label-${suffix}`,
      vaultPath: 'pki_int/sign/example-dot-com',
    },
  };
}

/** Checks that an answer is problem details with every member, and returns its body. */
export function expectProblem(answer: Answer, code: ErrorCode): Problem {
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json\b/);
  const problem = answer.body as Problem;
  expect(problem).toMatchObject({
    type: expect.stringContaining(code.toLowerCase().replace(/_/g, '-')) as unknown,
    title: ERRORS[code].title,
    status: ERRORS[code].status,
    code,
  });
  expect(answer.status).toBe(ERRORS[code].status);
  for (const member of ['detail', 'instance', 'requestId'] as const) {
    expect(typeof problem[member], member).toBe('string');
    expect(problem[member], member).not.toBe('');
  }
  expect(problem.requestId).toBe(answer.headers['x-request-id']);
  return problem;
}

/** The body of a successful answer, after checking its status. */
export function expectStatus<T>(answer: Answer, status: number): T {
  expect(answer.status, answer.text).toBe(status);
  return answer.body as T;
}

/** Every audit record, newest first, read through the API in pages. */
export async function auditRecords(
  harness: Harness,
  query: Record<string, string> = {},
): Promise<AuditRecordJson[]> {
  const records: AuditRecordJson[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ limit: '500', ...query });
    if (cursor !== undefined) params.set('cursor', cursor);
    const page = expectStatus<AuditPageJson>(
      await harness.call('GET', `/audit-records?${params.toString()}`),
      200,
    );
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return records;
}

/** The requests TSM itself received (CSP and the simulator's admin routes left out). */
export function tsmRequests(harness: Harness) {
  return harness.sim.requests().filter((request) => request.path.startsWith('/tsm/'));
}

/** The SQLite file and its write-ahead log, as text, to search for what must not be stored. */
export async function databaseText(harness: Harness): Promise<string> {
  const parts = await Promise.all(
    [harness.dbPath, `${harness.dbPath}-wal`].map((path) =>
      readFile(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return Buffer.alloc(0);
        throw error;
      }),
    ),
  );
  return Buffer.concat(parts).toString('latin1');
}

/**
 * Pieces of a PEM private key's base64 body, each long enough to be unmistakable: none of them
 * may appear in an answer, a log line or the database.
 */
export function keyFragments(privateKeyPem: string): string[] {
  const body = privateKeyPem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----') && !line.includes(':'));
  return body.flatMap((line) => line.match(/.{12}/g) ?? []);
}

/** Checks that no fragment of a private key occurs in a text. */
export function expectNoKeyFragment(text: string, privateKeyPem: string, where: string): void {
  const fragments = keyFragments(privateKeyPem);
  expect(fragments.length).toBeGreaterThan(5);
  const found = fragments.filter((fragment) => text.includes(fragment));
  expect(found, `key material in ${where}`).toEqual([]);
}
