/**
 * The floor: the least any caller of TSM pays for one integration. A bare HTTP server that takes
 * the same JSON as POST /vault-integrations and makes TSM's four round trips with undici (the
 * three reads in parallel, then the three PUTs in order), with no validation, storage, audit or
 * logging. Run as a child process by the benchmark:
 *   PORT=0 TSM_URL=http://127.0.0.1:4000 TSM_API_TOKEN=... node --import tsx floor-server.ts
 * It prints "listening <url>" once ready.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

const BUNDLES = '/tsm/v1alpha2/projects/default/certificates/';
const ACCOUNTS = '/tsm/v1alpha1/external-accounts/';
const AUTHORITIES = '/tsm/v1alpha2/projects/default/certificate-authorities/';
const AUTHORIZE = '/csp/gateway/am/api/auth/api-tokens/authorize';

interface Integration {
  caBundle: { id: string; description: string; pem: string };
  account: {
    id: string;
    description: string;
    vaultUrl: string;
    serviceAccountName: string;
    roleName: string;
    mountPath?: string;
    namespace?: string;
  };
  certificateAuthority: {
    id: string;
    description: string;
    label: string;
    vaultPath: string;
  };
}

const tsmUrl = requiredEnv('TSM_URL');
const pool = new Pool(tsmUrl);
const accessToken = await exchangeToken(requiredEnv('TSM_API_TOKEN'));

const server = createServer((request, response) => {
  void handle(request, response).catch((error: unknown) => {
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: error instanceof Error ? error.message : 'failed' }));
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') {
    console.log(`listening http://127.0.0.1:${address.port}`);
  }
});
process.once('SIGTERM', () => server.close(() => void pool.close()));

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const integration = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Integration;
  const { caBundle, account, certificateAuthority } = integration;

  await Promise.all([
    call('GET', BUNDLES + caBundle.id),
    call('GET', ACCOUNTS + account.id),
    call('GET', AUTHORITIES + certificateAuthority.id),
  ]);
  await call('PUT', BUNDLES + caBundle.id, {
    name: caBundle.id,
    description: caBundle.description,
    certificateType: 'CertificateAuthorityBundle',
    certificateAuthorityBundle: { cert_chain: caBundle.pem },
  });
  await call('PUT', ACCOUNTS + account.id, accountBody(integration));
  await call('PUT', AUTHORITIES + certificateAuthority.id, {
    name: certificateAuthority.id,
    description: certificateAuthority.description,
    accountId: account.id,
    labels: [{ key: 'CertificateAuthority', value: certificateAuthority.label }],
    vault: { path: certificateAuthority.vaultPath },
  });

  response.writeHead(201, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: 'succeeded', caLabel: certificateAuthority.label }));
}

function accountBody({ account, caBundle }: Integration): Record<string, unknown> {
  return {
    name: account.id,
    description: account.description,
    provider: 'VAULT',
    provider_url: account.vaultUrl,
    authentication_type: 'VAULT_CREDENTIALS',
    authentication: {
      auth_vault: {
        type: 'K8S_SERVICE_ACCOUNT',
        service_account_name: account.serviceAccountName,
        role_name: account.roleName,
        mount_path: account.mountPath,
        namespace: account.namespace,
      },
    },
    certificate_id: caBundle.id,
  };
}

/** One TSM call; a read may find nothing (404), anything else but 2xx fails the integration. */
async function call(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<void> {
  const answer = await pool.request({
    method,
    path,
    headers: { 'csp-auth-token': accessToken, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await answer.body.dump();
  const fine = answer.statusCode < 300 || (method === 'GET' && answer.statusCode === 404);
  if (!fine) throw new Error(`${method} ${path} answered ${answer.statusCode}`);
}

async function exchangeToken(apiToken: string): Promise<string> {
  const answer = await pool.request({
    method: 'POST',
    path: AUTHORIZE,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ refresh_token: apiToken }).toString(),
  });
  const token = ((await answer.body.json()) as { access_token?: string }).access_token;
  if (token === undefined) throw new Error(`the token exchange answered ${answer.statusCode}`);
  return token;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}
