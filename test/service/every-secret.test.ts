/**
 * Every secret, every way in, at debug level: the TSM token and a hashed caller key read from
 * files, a plain caller key, a JWT of the identity provider, a mistaken key and a pasted private
 * key go through a full integration, failing ones and refusals; then the log stream, every stored
 * row (SQLite and PostgreSQL), every answer, /openapi.json and /metrics are searched for each of them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../storage/support/postgres-schemas.js';
import { makePrivateKeyPem } from '../support/certificates.js';
import {
  startIdentityProvider,
  trustedProviderEnv,
  validClaims,
  type IdentityProvider,
} from '../support/identity-provider.js';
import {
  CALLER_KEY,
  SIM_API_TOKEN,
  startHarness,
  type Harness,
} from '../support/service-harness.js';
import {
  databaseBytes,
  exercise,
  exerciseOtherCallers,
  HASHED_FILE_KEY,
  keyFragments,
  schemaRows,
  secretsFromFiles,
  WRONG_KEY,
} from './support/secret-flows.js';

describe('at debug level, no secret reaches a log line, a stored row, an answer or the API', () => {
  let folder: string | undefined;
  let provider: IdentityProvider | undefined;
  let schema: TestSchema | undefined;
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    await provider?.close();
    await schema?.drop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    [harness, provider, schema, folder] = [undefined, undefined, undefined, undefined];
  });

  it.each(['SQLite', 'PostgreSQL'])('on %s', async (engine) => {
    folder = await mkdtemp(join(tmpdir(), 'tvi-secrets-'));
    provider = await startIdentityProvider();
    schema = engine === 'PostgreSQL' ? await createTestSchema() : undefined;
    const database: Record<string, string> =
      schema === undefined ? {} : { DATABASE_URL: schema.url };
    harness = await startHarness({
      env: {
        ...(await secretsFromFiles(folder)),
        ...trustedProviderEnv(provider),
        ...database,
        LOG_LEVEL: 'debug',
      },
    });
    const answers: string[] = [];
    const token = await provider.sign(validClaims('alice', 'integrations:write audit:read'));
    const pastedKey = makePrivateKeyPem('pkcs8');

    await exercise(harness, answers);
    await exerciseOtherCallers(harness, answers, token, pastedKey);

    const stored =
      schema === undefined ? await databaseBytes(harness) : await schemaRows(schema.name);
    const description = (await harness.call('GET', '/openapi.json')).text;
    const scrape = await harness.call('GET', '/metrics');
    expect(scrape.status).toBe(200);
    const everything = [harness.logLines.join('\n'), stored, description, scrape.text, ...answers];
    const secrets = [SIM_API_TOKEN, CALLER_KEY, HASHED_FILE_KEY, WRONG_KEY, token];
    secrets.push(...keyFragments(pastedKey));
    for (const text of everything) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(stored).toContain('jwt:alice');
    expect(harness.logLines.some((line) => line.includes('"level":20'))).toBe(true);
  });
});
