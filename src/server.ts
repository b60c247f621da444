/**
 * Runs the service as configured by the environment: opens the store, builds the app, listens,
 * and on SIGTERM or SIGINT stops taking requests and lets running ones finish before it closes.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, secretValues, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createServiceMetrics } from './metrics/service-metrics.js';
import { createsDatabaseFolder } from './storage/database-folder.js';
import { DatabaseSetupError } from './storage/database-setup-error.js';
import { openStore } from './storage/open-store.js';
import { createTsmClient } from './tsm/http-tsm-client.js';

/**
 * Beyond SHUTDOWN_GRACE_MS, the time the process gets to halt the integrations still running
 * (each stops at its next step and gives its lease up) and close the database; after it, it exits
 * regardless, and recovery finishes what the leases left behind.
 */
const HAND_OVER_MS = 15_000;

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, secrets: secretValues(config) });
  const store = await openStore(config.databaseUrl, {
    logger,
    postgres: config.postgres,
    createSqliteFolder: createsDatabaseFolder(config.databaseUrl),
  }).catch(exitOnSetupError);
  const metrics = createServiceMetrics();
  const tsm = createTsmClient({
    tsmUrl: config.tsmUrl,
    cspUrl: config.cspUrl,
    credentials: config.tsmCredentials,
    retry: config.retry,
    logger: logger.child({ component: 'tsm-client' }),
    observer: metrics.tsm,
    tokenCheckIntervalMs: config.tokenCheckIntervalMs,
  });
  const app = await buildApp({ config, store, tsm, logger, metrics });

  closeWithGrace(
    { delay: config.shutdownGraceMs + HAND_OVER_MS, logger },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'stopping after an unexpected error');
      else logger.info({ signal }, 'stopping');
      await app.close();
      await tsm.close();
      await store.close();
    },
  );

  await app.listen({ host: config.host, port: config.port });
  if (config.authDisabled) logger.warn('caller authentication is disabled (AUTH_DISABLED=true)');
}

/** A database that cannot be used as configured is a configuration error: say so and exit 2. */
function exitOnSetupError(error: unknown): never {
  if (!(error instanceof DatabaseSetupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

await main();
