/**
 * The flows that touch a secret, for the tests that search everything the service let out: what
 * it logged, stored and answered. Each flow keeps the answers' headers and bodies it saw.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { requestWithoutBundle } from '../../http/support/http-expectations.js';
import { adminQuery } from '../../storage/support/postgres-schemas.js';
import { ACCOUNT_PATH, CA_PATH, documentationRequest } from '../../support/requests.js';
import { CALLER_KEY, SIM_API_TOKEN, type Harness } from '../../support/service-harness.js';

/** A key no caller has, sent by mistake: it may be someone's key for another service. */
export const WRONG_KEY = 'wrong-key-but-still-a-secret';

/** A caller key known to the service only by its SHA-256, from API_KEYS_FILE. */
export const HASHED_FILE_KEY = 'automation-key-from-a-mounted-file-1';

/** Everything the service wrote to disk beside its SQLite file: the file and its journals. */
export async function databaseBytes(harness: Harness): Promise<string> {
  const folder = dirname(harness.dbPath);
  const files = await readdir(folder);
  const contents = await Promise.all(files.map((file) => readFile(join(folder, file))));
  return contents.map((content) => content.toString('latin1')).join('\n');
}

/** Every row of every table of a PostgreSQL schema, as JSON text. */
export async function schemaRows(schema: string): Promise<string> {
  const tables = await adminQuery<{ table_name: string }>(
    'select table_name from information_schema.tables where table_schema = $1',
    [schema],
  );
  const rows = await Promise.all(
    tables.map(({ table_name: table }) =>
      adminQuery(`select row_to_json(t)::text as row from "${schema}"."${table}" t`),
    ),
  );
  expect(tables.length).toBeGreaterThan(0);
  return JSON.stringify(rows);
}

/** Distinctive fragments of a PEM private key: each full base64 line of its body. */
export function keyFragments(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
}

/** Runs the flows that touch secrets: success, failures, rollbacks, refused input. */
export async function exercise(harness: Harness, answers: string[]): Promise<void> {
  const keep = async (method: string, path: string, body?: unknown, headers = {}) => {
    const answer = await harness.call(method, path, { body, headers });
    answers.push(JSON.stringify(answer.headers), answer.text);
  };
  // A caller may send anything as its Idempotency-Key, its own caller key included.
  await keep('POST', '/vault-integrations', documentationRequest(), {
    'idempotency-key': CALLER_KEY,
  });
  harness.sim.reset();
  harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503, count: Infinity });
  harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 500, count: Infinity });
  await keep('POST', '/vault-integrations', documentationRequest());
  harness.sim.clearFaults();
  harness.sim.expireAccessTokens();
  await keep('POST', '/vault-integrations', documentationRequest({ onExisting: 'replace' }));
  await keep('GET', '/audit-records?limit=500');
  await keep('GET', '/vault-integrations/00000000-0000-4000-8000-000000000000', undefined, {
    authorization: `Bearer ${WRONG_KEY}`,
  });
}

/** The TSM API token and a hashed caller key as Kubernetes would mount them, in `folder`. */
export async function secretsFromFiles(folder: string): Promise<Record<string, string>> {
  const tokenFile = join(folder, 'tsm-api-token');
  const keysFile = join(folder, 'api-keys.yaml');
  const digest = createHash('sha256').update(HASHED_FILE_KEY).digest('hex');
  await writeFile(tokenFile, `${SIM_API_TOKEN}\n`);
  const entry = `- name: automation\n  sha256: ${digest}\n  scopes: [integrations:write]\n`;
  await writeFile(keysFile, entry);
  return { TSM_API_TOKEN: '', TSM_API_TOKEN_FILE: tokenFile, API_KEYS_FILE: keysFile };
}

/** Calls by a JWT caller and a hashed-key caller: a success, refusals, a pasted private key. */
export async function exerciseOtherCallers(
  harness: Harness,
  answers: string[],
  token: string,
  pastedKey: string,
): Promise<void> {
  const keep = async (as: Record<string, string>, method: string, path: string, body?: unknown) => {
    const answer = await harness.call(method, path, { body, headers: as });
    answers.push(JSON.stringify(answer.headers), answer.text);
    return answer.status;
  };
  const asToken = { authorization: `Bearer ${token}` };
  const asAutomation = { authorization: `Bearer ${HASHED_FILE_KEY}` };
  const withKey = documentationRequest();
  withKey.caBundle!.pem = `${withKey.caBundle!.pem}${pastedKey}`;

  const created = requestWithoutBundle('by-token');
  expect(await keep(asToken, 'POST', '/vault-integrations', created)).toBe(201);
  expect(await keep(asToken, 'GET', '/vault-integrations')).toBe(403);
  expect(await keep(asAutomation, 'POST', '/vault-integrations', withKey)).toBe(400);
  expect(await keep(asAutomation, 'GET', '/audit-records')).toBe(403);
  expect(await keep({ authorization: `Bearer ${token}x` }, 'GET', '/audit-records')).toBe(401);
}
