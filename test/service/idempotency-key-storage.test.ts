/**
 * A caller may send anything visible as its Idempotency-Key, a line of a pasted private key or
 * its own caller key among them. Over real HTTP, on SQLite and PostgreSQL: the key still replays,
 * refuses another request and stays the caller's own, yet the database holds only its SHA-256,
 * and no log line or answer carries it.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../storage/support/postgres-schemas.js';
import { makePrivateKeyPem } from '../support/certificates.js';
import { documentationRequest } from '../support/requests.js';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import { databaseBytes, keyFragments, schemaRows } from './support/secret-flows.js';

const OTHER_CALLER_KEY = 'automation-key-fedcba9876543210';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('an Idempotency-Key is stored as its digest only', () => {
  let harness: Harness | undefined;
  let schema: TestSchema | undefined;
  afterEach(async () => {
    await harness?.close();
    await schema?.drop();
    [harness, schema] = [undefined, undefined];
  });

  it.each(['SQLite', 'PostgreSQL'])('on %s', async (engine) => {
    schema = engine === 'PostgreSQL' ? await createTestSchema() : undefined;
    harness = await startHarness({
      env: {
        API_KEYS: `portal=${CALLER_KEY},automation=${OTHER_CALLER_KEY}`,
        ...(schema === undefined ? {} : { DATABASE_URL: schema.url }),
      },
    });
    const pastedLine = keyFragments(makePrivateKeyPem('pkcs8'))[0]!;
    const answers: string[] = [];
    const post = async (key: string, body: unknown, callerKey = CALLER_KEY) => {
      const answer = await harness!.call('POST', '/vault-integrations', {
        body,
        headers: { authorization: `Bearer ${callerKey}`, 'idempotency-key': key },
      });
      answers.push(JSON.stringify(answer.headers), answer.text);
      return answer;
    };

    const created = await post(pastedLine, documentationRequest());
    const replayed = await post(pastedLine, documentationRequest());
    const reused = await post(pastedLine, documentationRequest({ onExisting: 'replace' }));
    // The same key is another caller's own: it starts that caller's integration.
    const others = await post(
      pastedLine,
      documentationRequest({ onExisting: 'replace' }),
      OTHER_CALLER_KEY,
    );
    const ownKeyAsKey = await post(CALLER_KEY, documentationRequest({ onExisting: 'replace' }));

    expect(created.status).toBe(201);
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(created.body);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      integrationId: (created.body as { id: string }).id,
    });
    expect(others.status).toBe(201);
    expect(others.headers['idempotent-replayed']).toBeUndefined();
    expect(ownKeyAsKey.status).toBe(201);

    const stored =
      schema === undefined ? await databaseBytes(harness) : await schemaRows(schema.name);
    expect(stored).toContain(sha256(pastedLine));
    expect(stored).toContain(sha256(CALLER_KEY));
    for (const text of [stored, harness.logLines.join('\n'), ...answers]) {
      expect(text).not.toContain(pastedLine);
      expect(text).not.toContain(CALLER_KEY);
    }
  });
});
