/**
 * `npm run audit:verify`: walks the audit hash chain of the database DATABASE_URL names (the
 * service's own setting and default) and prints the verdict as JSON. Exits 0 when the chain is
 * intact, 1 when it is broken, 2 when the database cannot be read: a SQLite file that does not
 * exist, a schema without the audit tables, one whose migrations predate the chain. It opens
 * SQLite read-only and never migrates, so a typo in DATABASE_URL is never answered "valid". It
 * needs none of the service's
 * other settings, so an auditor can run it with the database URL alone.
 */
import { DEFAULT_DATABASE_URL } from '../storage/database-folder.js';
import { openAuditStore } from '../storage/open-audit-store.js';
import { verifyAuditChain } from './chain-verifier.js';

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  let store;
  try {
    store = await openAuditStore(databaseUrl);
  } catch (error) {
    process.stderr.write(`audit:verify: ${messageOf(error)}\n`);
    return 2;
  }
  try {
    const verification = await verifyAuditChain(store);
    process.stdout.write(`${JSON.stringify(verification, null, 2)}\n`);
    return verification.valid ? 0 : 1;
  } catch (error) {
    process.stderr.write(`audit:verify: reading the audit trail failed: ${messageOf(error)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

process.exitCode = await main();
