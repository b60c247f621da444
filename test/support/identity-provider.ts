/**
 * A stand-in for the organization's identity provider: its key set served as a JWKS over real
 * HTTP on loopback, and tokens signed with its key (or with a key it never published, to play an
 * impostor). Claims are given as they go into the token, so a test can leave any of them out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const ISSUER = 'https://login.example.com/';
export const AUDIENCE = 'tsm-vault-integrations';
const KEY_ID = 'signing-key-1';
const ALGORITHM = 'ES256';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface IdentityProvider {
  /** The URL of its JWKS, for JWT_JWKS_URL. */
  jwksUrl: string;
  /** A token signed with the published key; `claims` are the whole payload. */
  sign(claims: JWTPayload): Promise<string>;
  /** A token under the published key id, signed with a key that is not in the key set. */
  signAsImpostor(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** Seconds since the epoch, `offset` seconds from now. */
export function epochSeconds(offset = 0): number {
  return Math.floor(Date.now() / 1000) + offset;
}

/** Claims of a token this service accepts: right issuer and audience, valid for five minutes. */
export function validClaims(subject: string, scope: string | string[]): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: subject,
    iat: epochSeconds(),
    exp: epochSeconds(300),
    scope,
  };
}

/** Starts the provider's JWKS endpoint on a free loopback port. */
export async function startIdentityProvider(): Promise<IdentityProvider> {
  const published = await generateKeyPair(ALGORITHM);
  const impostor = await generateKeyPair(ALGORITHM);
  const publicJwk = await exportJWK(published.publicKey);
  const jwk = { ...publicJwk, kid: KEY_ID, alg: ALGORITHM, use: 'sig' };
  const server = createServer((request, response) => {
    if (request.url !== '/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    sign: (claims) => signWith(published.privateKey, claims),
    signAsImpostor: (claims) => signWith(impostor.privateKey, claims),
    close: () => closeServer(server),
  };
}

/** The environment that makes the service trust this provider. */
export function trustedProviderEnv(provider: IdentityProvider): Record<string, string> {
  return { JWT_JWKS_URL: provider.jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
}

function signWith(key: SigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, kid: KEY_ID }).sign(key);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
