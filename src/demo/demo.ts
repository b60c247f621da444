/**
 * The demo: starts the TSM simulator, a simulated Vault (HTTPS, a PKI made on the spot) and the
 * service on loopback with a SQLite file, creates the integration of TSM's API guide pointed at
 * that Vault, then one that TSM fails at step 3, and prints what happened and the audit trail.
 * Exits 0 when both ended as they should (created with every Vault check passed; rolled back).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { buildApp } from '../app.js';
import { loadConfig, secretValues } from '../config.js';
import type { IntegrationRequest } from '../domain/integration-request.js';
import { DOCUMENTATION_EXAMPLE } from '../http/examples.js';
import { createLogger } from '../logger.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { createSimulatedPki, startVaultSimulator } from '../simulator/vault/index.js';
import { createsDatabaseFolder } from '../storage/database-folder.js';
import { openStore } from '../storage/open-store.js';
import { createTsmClient } from '../tsm/http-tsm-client.js';
import {
  printAuditTrail,
  printIntegration,
  printPreflight,
  printTsmJournal,
  heading,
} from './print.js';

const API_TOKEN = 'demo-api-token';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function main(): Promise<boolean> {
  const sim = await startSimulator({ apiTokens: [API_TOKEN] });
  const pki = await createSimulatedPki(['127.0.0.1', 'localhost']);
  // The guide's Vault, here: its PKI mount in the guide's namespace, signing with the made CA.
  const vault = await startVaultSimulator({
    tls: pki.serverTls,
    mounts: [
      {
        path: 'pki_int',
        namespace: DOCUMENTATION_EXAMPLE.account.namespace,
        issuingCa: pki.intermediatePem,
        caChain: pki.intermediatePem + pki.rootPem,
      },
    ],
  });
  const guide: IntegrationRequest = structuredClone(DOCUMENTATION_EXAMPLE);
  guide.account.vaultUrl = vault.url;
  guide.caBundle = { ...guide.caBundle!, pem: pki.intermediatePem + pki.rootPem };
  const folder = await mkdtemp(join(tmpdir(), 'tsm-vault-integrations-demo-'));
  const callerKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    TSM_URL: sim.url,
    CSP_URL: sim.url,
    TSM_API_TOKEN: API_TOKEN,
    API_KEYS: `demo-portal=${callerKey}`,
    DATABASE_URL: join(folder, 'vault-integrations.db'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    VAULT_PREFLIGHT: 'require',
    // The demo's Vault simulator listens on this machine's loopback.
    VAULT_ALLOW_LOOPBACK: 'true',
  });
  // Service logs go to standard error, so standard output stays the demo's story.
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretValues(config),
    destination: pino.destination(2),
  });
  const store = await openStore(config.databaseUrl, {
    logger,
    postgres: config.postgres,
    createSqliteFolder: createsDatabaseFolder(config.databaseUrl),
  });
  const tsm = createTsmClient({
    tsmUrl: config.tsmUrl,
    cspUrl: config.cspUrl,
    credentials: config.tsmCredentials,
    retry: config.retry,
    logger,
  });
  const app = await buildApp({ config, store, tsm, logger });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    send(url, callerKey, method, path, body);

  try {
    console.log(`TSM simulator at ${sim.url}; Vault simulator at ${vault.url}`);
    console.log(
      `Service at ${url}; SQLite at ${config.databaseUrl}; VAULT_PREFLIGHT=require, ` +
        'VAULT_ALLOW_LOOPBACK=true',
    );
    const created = await createDocumentedIntegration(call, sim, guide);
    const rolledBack = await createFailingIntegration(call, sim, guide);
    return created && rolledBack;
  } finally {
    await app.close();
    await tsm.close();
    await store.close();
    await sim.close();
    await vault.close();
    await rm(folder, { recursive: true, force: true });
  }
}

type Call = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Answer>;

async function createDocumentedIntegration(
  call: Call,
  sim: Simulator,
  guide: IntegrationRequest,
): Promise<boolean> {
  heading("1. The integration of TSM's API guide, pointed at the simulated Vault");
  const answer = await call('POST', '/vault-integrations', guide);
  printIntegration(answer.status, answer.body);
  printPreflight(answer.body);
  printTsmJournal(sim.requests());
  await printTrail(call, answer.body);
  const preflight = answer.body.preflight as { outcome?: string } | undefined;
  return answer.status === 201 && preflight?.outcome === 'passed';
}

async function createFailingIntegration(
  call: Call,
  sim: Simulator,
  guide: IntegrationRequest,
): Promise<boolean> {
  heading('2. The same for a second mesh, with TSM failing at step 3 (503 on every attempt)');
  const request: IntegrationRequest = structuredClone(guide);
  request.caBundle = { ...request.caBundle!, id: 'mesh-2-CA-bundle' };
  request.account.id = 'mesh-2-vault-account';
  request.certificateAuthority = {
    ...request.certificateAuthority,
    id: 'mesh-2-ca-configuration',
    label: 'mesh-2-ca-label',
  };
  sim.clearRequests();
  sim.injectFault({
    method: 'PUT',
    path: /certificate-authorities\/mesh-2-ca-configuration$/,
    status: 503,
    count: Infinity,
  });

  const answer = await call('POST', '/vault-integrations', request);
  const problem = answer.body;
  console.log(`\n${answer.status} ${String(problem.code)}: ${String(problem.detail)}`);
  printIntegration(answer.status, problem.integration as Record<string, unknown>);
  printTsmJournal(sim.requests());
  await printTrail(call, problem.integration as Record<string, unknown>);
  const left = [
    ...sim.resources('certificates').keys(),
    ...sim.resources('external-accounts').keys(),
  ];
  console.log(
    `\nLeft of mesh-2 in TSM: ${left.filter((id) => id.startsWith('mesh-2')).length} resources`,
  );
  return (
    answer.status === 502 && (problem.integration as { status?: string }).status === 'rolled_back'
  );
}

async function printTrail(call: Call, integration: Record<string, unknown>): Promise<void> {
  const id = String(integration.id);
  const page = await call('GET', `/audit-records?integrationId=${id}&limit=500`);
  printAuditTrail((page.body.records as Record<string, unknown>[]).reverse());
}

async function send(
  url: string,
  callerKey: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Answer> {
  const answer = await request(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${callerKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
}

const succeeded = await main();
console.log(succeeded ? '\nDemo finished: both integrations ended as expected.' : '\nDemo FAILED.');
process.exit(succeeded ? 0 : 1);
