/**
 * What the simulator's tests share: HTTP calls over loopback with undici, the token exchange, and
 * resource bodies shaped like the ones in TSM's documentation.
 */
import { request } from 'undici';
import { expect } from 'vitest';
import {
  COLLECTION_PATHS,
  CSP_AUTHORIZE_PATH,
  DEFAULT_API_TOKEN,
  type ResourceCollection,
  type ResourceJson,
  type Simulator,
} from '../../src/simulator/index.js';

/** Matches any string; typed unknown so that it may sit in a typed expected object. */
export const anyString: unknown = expect.any(String);

/** An HTTP answer as a test reads it. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** What a test sends. */
export interface HttpCall {
  method?: 'GET' | 'PUT' | 'DELETE' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is; otherwise `body` is sent as JSON. */
  rawBody?: string;
  /** Gives up (aborts) after this many milliseconds. */
  timeoutMs?: number;
}

/** Makes one request and reads the whole answer, parsing JSON when it is JSON. */
export async function call(url: string, init: HttpCall = {}): Promise<HttpReply> {
  const json = init.body !== undefined && init.rawBody === undefined;
  const answer = await request(url, {
    method: init.method ?? 'GET',
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: json ? JSON.stringify(init.body) : init.rawBody,
    signal: init.timeoutMs === undefined ? undefined : AbortSignal.timeout(init.timeoutMs),
    // A fresh connection each time: servers come and go on reused ports, and a pooled socket to a
    // server that has gone would fail the next request with ECONNRESET.
    reset: true,
  });
  const text = await answer.body.text();
  return { status: answer.statusCode, headers: answer.headers, body: parsed(text) };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Posts an API token to CSP the way TSM's documentation shows. */
export function authorize(sim: Simulator, apiToken = DEFAULT_API_TOKEN): Promise<HttpReply> {
  return call(`${sim.url}${CSP_AUTHORIZE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: `refresh_token=${encodeURIComponent(apiToken)}`,
  });
}

/** A live access token from the simulator's CSP. */
export async function accessToken(sim: Simulator): Promise<string> {
  const answer = await authorize(sim);
  const body = answer.body as { access_token?: unknown };
  if (typeof body.access_token !== 'string') throw new Error(`no access token: ${answer.status}`);
  return body.access_token;
}

/** The URL of a resource on the simulated TSM. */
export function resourceUrl(sim: Simulator, collection: ResourceCollection, id: string): string {
  return `${sim.url}${COLLECTION_PATHS[collection]}/${id}`;
}

/** Calls a TSM resource with an access token. */
export function tsmCall(
  sim: Simulator,
  token: string,
  collection: ResourceCollection,
  id: string,
  init: HttpCall = {},
): Promise<HttpReply> {
  return call(resourceUrl(sim, collection, id), {
    ...init,
    headers: { 'csp-auth-token': token, ...init.headers },
  });
}

/** A small chain: the simulator only checks that a certificate block is there. */
export const CHAIN =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';

/** A CA bundle body like the documented one. */
export function certificateBody(): ResourceJson {
  return {
    name: 'my-CA-bundle',
    description: '',
    certificateType: 'CertificateAuthorityBundle',
    certificateAuthorityBundle: { cert_chain: CHAIN },
  };
}

/** An external account body like the documented one, naming the bundle `my-CA-bundle`. */
export function accountBody(): ResourceJson {
  return {
    name: 'my-vault-account',
    description: 'my vault ca account',
    provider: 'VAULT',
    provider_url: 'https://vault.example.internal:8200',
    authentication_type: 'VAULT_CREDENTIALS',
    authentication: {
      auth_vault: {
        type: 'K8S_SERVICE_ACCOUNT',
        service_account_name: 'vault-issuer',
        role_name: 'pki_int',
        mount_path: '/v1/auth/tenant-02',
        namespace: 'admin',
      },
    },
    certificate_id: 'my-CA-bundle',
  };
}

/** A CA configuration body like the documented one, naming the account `my-vault-account`. */
export function authorityBody(): ResourceJson {
  return {
    name: 'my-vault-ca-configuration',
    description: 'My Vault CA configuration',
    accountId: 'my-vault-account',
    labels: [{ key: 'CertificateAuthority', value: 'my-ca-label' }],
    vault: { path: 'pki_int/sign/example-dot-com' },
  };
}

/** The documented ids with their bodies, in creation order. */
export const DOCUMENTED: [ResourceCollection, string, () => ResourceJson][] = [
  ['certificates', 'my-CA-bundle', certificateBody],
  ['external-accounts', 'my-vault-account', accountBody],
  ['certificate-authorities', 'my-vault-ca-configuration', authorityBody],
];

/** Puts the documented resources in place without requests, up to and including `upTo`. */
export function seedDocumented(sim: Simulator, upTo: ResourceCollection): void {
  for (const [collection, id, body] of DOCUMENTED) {
    sim.seed(collection, id, body());
    if (collection === upTo) return;
  }
}
