/**
 * Someone with write access to the database edits the audit trail behind the service's back:
 * they lift the append-only triggers, then change, delete or insert rows. The verifier names the
 * first record at fault on SQLite and on PostgreSQL alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecordHash } from '../../src/audit/audit-chain.js';
import { verifyAuditChain } from '../../src/audit/chain-verifier.js';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { auditEntry } from './store-fixtures.js';
import { adminQuery, createTestSchema, type TestSchema } from './support/postgres-schemas.js';

const RECORDS = 5;

/** A store with a five-record trail, and a way to run SQL on its database with triggers off. */
interface Tamperable {
  store: Store;
  /** Runs the statements (";"-separated) as an intruder would, the triggers lifted. */
  tamper: (statements: string) => Promise<void>;
  /** The rows as stored, by sequence. */
  row: (sequence: number) => Promise<StoredRow>;
}

interface StoredRow {
  id: number;
  at: string;
  action: string;
  actor: string;
  request_id: string;
  integration_id: string | null;
  details: string;
  previous_hash: string;
}

let folder = '';
const schemas: TestSchema[] = [];
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-tampering-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await Promise.all(schemas.map((schema) => schema.drop()));
});

async function filled(store: Store): Promise<Store> {
  for (let index = 1; index <= RECORDS; index += 1) {
    await store.appendAudit([auditEntry({ requestId: `req-${index}` })]);
  }
  return store;
}

let sqliteFiles = 0;
async function onSqlite(): Promise<Tamperable> {
  const file = join(folder, `trail-${(sqliteFiles += 1)}.db`);
  const store = await filled(await openStore(file));
  const direct = (work: (db: SqliteDatabase.Database) => unknown) => {
    const db = new SqliteDatabase(file);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    store,
    tamper: (statements) => {
      direct((db) =>
        db.exec(
          'DROP TRIGGER audit_records_refuse_update; DROP TRIGGER audit_records_refuse_delete;' +
            statements,
        ),
      );
      return Promise.resolve();
    },
    row: (sequence) =>
      Promise.resolve(
        direct((db) =>
          db.prepare('SELECT * FROM audit_records WHERE sequence = ?').get(sequence),
        ) as StoredRow,
      ),
  };
}

async function onPostgres(): Promise<Tamperable> {
  const schema = await createTestSchema();
  schemas.push(schema);
  const store = await filled(await openStore(schema.url, { postgres: { poolMax: 2 } }));
  const within = `set search_path = ${schema.name};`;
  return {
    store,
    tamper: async (statements) => {
      await adminQuery(`${within} alter table audit_records disable trigger user; ${statements}`);
    },
    row: async (sequence) => {
      const table = `${schema.name}.audit_records`;
      const [row] = await adminQuery<StoredRow>(`select * from ${table} where sequence = $1`, [
        sequence,
      ]);
      return { ...(row as StoredRow), id: Number(row?.id) };
    },
  };
}

describe.each([
  ['SQLite', onSqlite],
  ['PostgreSQL', onPostgres],
])('the audit chain on %s', (_engine, open) => {
  let subject: Tamperable;
  const verify = () => verifyAuditChain(subject.store);

  beforeAll(async () => {
    subject = await open();
  });
  afterAll(() => subject.store.close());

  // The cases run in order on one trail: each repairs nothing, so each starts from a fresh one.
  const fresh = async () => {
    await subject.store.close();
    subject = await open();
  };

  it('verifies an untouched trail', async () => {
    const verification = await verify();

    expect(verification).toMatchObject({ valid: true, checked: RECORDS, head: { sequence: 5 } });
    expect(verification.firstBreak).toBeUndefined();
  });

  it('catches a record whose content was changed', async () => {
    await fresh();
    const third = await subject.row(3);
    await subject.tamper(`UPDATE audit_records SET actor = 'mallory' WHERE sequence = 3`);

    expect(await verify()).toMatchObject({
      valid: false,
      checked: 2,
      firstBreak: { kind: 'changed', id: third.id, sequence: 3 },
    });
  });

  it('catches a changed record whose own hash was recomputed to fit', async () => {
    await fresh();
    const third = await subject.row(3);
    const forged = auditRecordHash(
      {
        sequence: 3,
        at: third.at,
        action: third.action,
        actor: 'mallory',
        requestId: third.request_id,
        integrationId: third.integration_id,
        details: third.details,
      },
      third.previous_hash,
    );
    await subject.tamper(
      `UPDATE audit_records SET actor = 'mallory', hash = '${forged}' WHERE sequence = 3`,
    );

    expect(await verify()).toMatchObject({
      valid: false,
      checked: 2,
      firstBreak: { kind: 'changed', id: third.id, sequence: 3 },
    });
  });

  it('catches a record that was removed from the middle', async () => {
    await fresh();
    await subject.tamper('DELETE FROM audit_records WHERE sequence = 3');

    const verification = await verify();

    expect(verification).toMatchObject({
      valid: false,
      checked: 2,
      firstBreak: { kind: 'removed', sequence: 3 },
    });
    expect(verification.firstBreak?.id).toBeUndefined();
  });

  it('catches the newest record removed', async () => {
    await fresh();
    await subject.tamper(`DELETE FROM audit_records WHERE sequence = ${RECORDS}`);

    expect(await verify()).toMatchObject({
      valid: false,
      checked: RECORDS - 1,
      firstBreak: { kind: 'removed', sequence: RECORDS },
    });
  });

  it('catches a record inserted without the service', async () => {
    await fresh();
    await subject.tamper(
      'INSERT INTO audit_records (at, action, actor, request_id, integration_id, details) ' +
        `VALUES ('2026-01-01T00:00:00.000Z', 'integration.succeeded', 'mallory', 'forged', ` +
        `'int-1', '{}')`,
    );

    const verification = await verify();

    expect(verification).toMatchObject({
      valid: false,
      checked: RECORDS,
      firstBreak: { kind: 'inserted', sequence: null },
    });
    expect(verification.firstBreak?.id).toBeGreaterThan((await subject.row(RECORDS)).id);
  });

  it('catches a record inserted with a copied place in the chain', async () => {
    await fresh();
    const second = await subject.row(2);
    await subject.tamper(
      'INSERT INTO audit_records ' +
        '(at, action, actor, request_id, integration_id, details, sequence, previous_hash, hash) ' +
        `SELECT at, action, 'mallory', request_id, integration_id, details, ${RECORDS + 1}, ` +
        `previous_hash, hash FROM audit_records WHERE sequence = 2`,
    );

    const verification = await verify();

    expect(second.id).toBeLessThan(verification.firstBreak?.id ?? 0);
    expect(verification).toMatchObject({
      valid: false,
      checked: RECORDS,
      firstBreak: { kind: 'inserted', sequence: RECORDS + 1 },
    });
  });
});
