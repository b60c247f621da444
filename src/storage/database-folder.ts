/**
 * Whether the folder of a SQLite DATABASE_URL may be created. The service creates it for its
 * default location only: a configured path whose folder is missing is a typo or a volume that was
 * not mounted, and creating it would put the database where nobody looks (or at the root).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveDatabaseLocation } from './database-location.js';

/** DATABASE_URL when unset: a file under ./data, created with its folder on first start. */
export const DEFAULT_DATABASE_URL = './data/vault-integrations.db';

/** Whether `databaseUrl` is the default location, whose folder the service creates. */
export function createsDatabaseFolder(databaseUrl: string): boolean {
  return databaseUrl.trim() === DEFAULT_DATABASE_URL;
}

/** The problem with a configured SQLite path whose folder does not exist; undefined if none. */
export function databaseFolderProblem(
  databaseUrl: string,
  cwd = process.cwd(),
): string | undefined {
  if (createsDatabaseFolder(databaseUrl)) return undefined;
  let location;
  try {
    location = resolveDatabaseLocation(databaseUrl, cwd);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (location.engine !== 'sqlite' || location.filename === ':memory:') return undefined;
  const folder = dirname(location.filename);
  if (existsSync(folder)) return undefined;
  return (
    `DATABASE_URL: the folder ${folder} of the SQLite file does not exist; ` +
    'create it (or mount the volume there) first.'
  );
}
