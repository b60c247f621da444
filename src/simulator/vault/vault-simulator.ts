/**
 * A Vault server over HTTPS, as far as unauthenticated callers see it: sys/health with Vault's
 * status codes and query overrides, and PKI mounts serving ca/pem, ca_chain and issuer/<ref>/pem,
 * each mount in its namespace (X-Vault-Namespace). Paths no mount serves are refused the way
 * Vault refuses an anonymous caller: 403 permission denied.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type {
  VaultHealthState,
  VaultPkiMount,
  VaultRequest,
  VaultSimulator,
  VaultSimulatorOptions,
} from './types.js';

const PEM_TYPE = 'application/pem-certificate-chain';

/** Vault's own sys/health codes per state, before any query override. */
const HEALTH_CODES: Record<VaultHealthState, { status: number; query: string }> = {
  active: { status: 200, query: 'activecode' },
  standby: { status: 429, query: 'standbycode' },
  sealed: { status: 503, query: 'sealedcode' },
  uninitialized: { status: 501, query: 'uninitcode' },
};

/** Starts a Vault simulator on loopback. */
export async function startVaultSimulator(options: VaultSimulatorOptions): Promise<VaultSimulator> {
  const app = Fastify({
    https: { key: options.tls.key, cert: options.tls.certificateChain },
    forceCloseConnections: true,
  });
  let health: VaultHealthState = options.health ?? 'active';
  const mounts = options.mounts ?? [];
  const journal: VaultRequest[] = [];

  app.addHook('onResponse', async (request, reply) => {
    const namespace = namespaceOf(request);
    journal.push({
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ...(namespace === '' ? {} : { namespace }),
    });
  });
  app.get('/v1/sys/health', (request, reply) => answerHealth(request, reply, health));
  app.get('/v1/*', (request, reply) => {
    if (health === 'sealed' || health === 'uninitialized') {
      return reply.code(503).send({ errors: ['Vault is sealed'] });
    }
    return answerPki(request, reply, mounts);
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `https://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    setHealth: (state) => void (health = state),
    requests: () => [...journal],
    close: () => app.close(),
  };
}

function answerHealth(request: FastifyRequest, reply: FastifyReply, state: VaultHealthState) {
  const query = request.query as Record<string, string | undefined>;
  const { status, query: override } = HEALTH_CODES[state];
  let code = Number(query[override] ?? status);
  if (state === 'standby' && query.standbyok === 'true' && query.standbycode === undefined) {
    code = 200;
  }
  return reply.code(code).send({
    initialized: state !== 'uninitialized',
    sealed: state === 'sealed' || state === 'uninitialized',
    standby: state === 'standby',
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: '1.15.0+simulated',
  });
}

function answerPki(request: FastifyRequest, reply: FastifyReply, mounts: VaultPkiMount[]) {
  const path = request.url.split('?')[0]?.replace(/^\/v1\//, '') ?? '';
  const namespace = namespaceOf(request);
  const mount = mounts
    .filter((candidate) => (candidate.namespace ?? '') === namespace)
    .filter((candidate) => path.startsWith(`${candidate.path}/`))
    .sort((left, right) => right.path.length - left.path.length)[0];
  if (mount === undefined) return reply.code(403).send({ errors: ['permission denied'] });

  const rest = path.slice(mount.path.length + 1);
  const issuerMatch = /^issuer\/([^/]+)\/pem$/.exec(rest);
  let pem: string | undefined;
  if (rest === 'ca/pem') pem = mount.issuingCa ?? '';
  else if (rest === 'ca_chain') pem = mount.caChain ?? '';
  else if (issuerMatch !== null) {
    const name = issuerMatch[1] ?? '';
    pem = name === 'default' ? mount.issuingCa : mount.issuers?.[name];
    if (pem === undefined) {
      return reply.code(500).send({ errors: [`unable to find issuer for reference: ${name}`] });
    }
  }
  if (pem === undefined) return reply.code(404).send({ errors: [] });
  return pem === '' ? reply.code(204).send() : reply.type(PEM_TYPE).send(pem);
}

function namespaceOf(request: FastifyRequest): string {
  const header = request.headers['x-vault-namespace'];
  return typeof header === 'string' ? header.replace(/^\/+|\/+$/g, '') : '';
}
