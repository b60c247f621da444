/**
 * What the orchestration tests run on: the documentation's example integration, a clock moved by
 * hand, and a harness wiring a fake TSM, the in-memory store and a logger that keeps its lines.
 */
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import type { Warning } from '../../src/domain/findings.js';
import type { NormalizedIntegration } from '../../src/domain/normalized-integration.js';
import type { Integration } from '../../src/orchestration/integration.js';
import {
  runIntegration,
  type IntegrationRunnerDeps,
  type RunOutcome,
} from '../../src/orchestration/run-integration.js';
import { RunRegistry } from '../../src/orchestration/run-registry.js';
import type { AuditRecord } from '../../src/storage/store.js';
import { MemoryStore } from '../support/memory-store.js';
import { FakeTsmClient } from './fake-tsm-client.js';

/** The root of TSM's documentation example (CN minica root ca 3b27cb), normalized. */
export const ROOT_PEM = `-----BEGIN CERTIFICATE-----
MIIDSzCCAjOgAwIBAgIIOyfLeigPwDIwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UE
AxMVbWluaWNhIHJvb3QgY2EgM2IyN2NiMCAXDTIzMDMyNTEyMjQ1NloYDzIxMjMw
MzI1MTIyNDU2WjAgMR4wHAYDVQQDExVtaW5pY2Egcm9vdCBjYSAzYjI3Y2IwggEi
MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCkn6FrEl/7XfEYxKDK78lJTdW7
hMQiW/65cx92FbjXHfpBTJ7wows7hMfNfRoDdxtfby04It6gzFfKJfL+u/Y0SQbV
WWrTEPTrbJ5B3JyTv6IJ4IujvTLG29dMU5oiW/i4wDuNO4S1RYoevAdBZz4zTXiP
CSn4XNqC/LUd54KKnoQ1Pc3HKxgSbcwb9sJxEhr+dx++n9jaPxOKiczoIdgn3KkC
LLGePbmDZx/TX8QvLdyXxtzdSRsQ8q8OLs4BiE83Dut3fibxGZPQcgIICNDf+NhE
kGIgBh4nhKs+LTR5XRXYcd675XONAn3ifgcQKILE/urTSkETdZfaxEzvo5EhAgMB
AAGjgYYwgYMwDgYDVR0PAQH/BAQDAgKEMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggr
BgEFBQcDAjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBRY4vMgDhoBtwzT
AQZYIIiOOL8YrzAfBgNVHSMEGDAWgBRY4vMgDhoBtwzTAQZYIIiOOL8YrzANBgkq
hkiG9w0BAQsFAAOCAQEAALhcM1JumeJKQKrJ9D3dDh3Snr96E/0+k1OQd1f4cH5U
1R4DeqN22wQYIBlg4RVGkBbniG2VVP/7Lxwf0Qpb0Ij3oPzoiFGoYRHK9iKUQaXn
G2+FpaQW68DT1U1Eyv9GKNN/xyOT7sWuRGXYu7ydbYlB6WC9BGviy6tM38cz8Tuk
ePVOe0Q5Igo5eFuxEMzCx2yBNUJ4g/pdvjTW1qolodR/8XIjx8b11i6kgwpfjiLS
2gbG43rXF8qwffdXnIUKx7GTqhPinKc13Cpa8JY6i+8GF6YCZqBRjQm314UV8aVj
B9RrXXFZIUt99j++j31lj9gP0Hm1iSqoP8qyPpWrUw==
-----END CERTIFICATE-----
`;

/** Another chain, as a bundle already in TSM might hold; only its certificate bodies matter. */
export const OTHER_ROOT_PEM =
  '-----BEGIN CERTIFICATE-----\nb3RoZXIgcm9vdA==\n-----END CERTIFICATE-----\n';

/** The documentation's example, validated and normalized. */
export function exampleIntegration(): NormalizedIntegration {
  const root = new X509Certificate(ROOT_PEM);
  return {
    caBundle: {
      mode: 'upload',
      id: 'my-CA-bundle',
      name: 'my-CA-bundle',
      description: '',
      pem: ROOT_PEM,
      certificates: [
        {
          subject: root.subject,
          issuer: root.issuer,
          fingerprint256: root.fingerprint256,
          notBefore: new Date(root.validFrom).toISOString(),
          notAfter: new Date(root.validTo).toISOString(),
          selfSigned: true,
        },
      ],
    },
    account: {
      id: 'my-vault-account',
      name: 'my-vault-account',
      description: 'my vault ca account',
      vaultUrl: 'https://my-vault-server-22608bc3.4514f36d.z1.hashicorp.cloud:8200',
      serviceAccountName: 'vault-issuer',
      roleName: 'pki_int',
      mountPath: '/v1/auth/tenant-02',
      namespace: 'admin',
    },
    certificateAuthority: {
      id: 'my-vault-ca-configuration',
      name: 'my-vault-ca-configuration',
      description: 'My Vault CA configuration',
      label: 'my-ca-label',
      vaultPath: 'pki_int/sign/example-dot-com',
    },
    onExisting: 'reject',
  };
}

/** A clock that moves only when told to. */
export interface FakeClock {
  now: () => Date;
  advance: (ms: number) => void;
}

/** The time every harness starts at. */
export const START = Date.parse('2025-03-01T12:00:00.000Z');

/** A fake clock starting at START. */
export function fakeClock(): FakeClock {
  let current = START;
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

/** One line the logger wrote, parsed. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** The parts of one test's world, and a way to run an integration in it. */
export interface Harness {
  clock: FakeClock;
  tsm: FakeTsmClient;
  store: MemoryStore;
  logs: LogLine[];
  deps: IntegrationRunnerDeps;
  registry: RunRegistry;
  /** Runs an integration that must start; its final (or halted) state. */
  run: (integration?: NormalizedIntegration, warnings?: Warning[]) => Promise<Integration>;
  /** Runs an integration and returns its outcome as runIntegration gave it. */
  runOutcome: (
    integration?: NormalizedIntegration,
    options?: { idempotencyKey?: { key: string; fingerprint: string; expiresAt: string } },
  ) => Promise<RunOutcome>;
  /** The audit records of the integration, oldest first. */
  audit: () => AuditRecord[];
}

export const INTEGRATION_ID = 'int-1';
export const REQUEST_ID = 'req-1';
export const DEADLINE_MS = 60_000;
export const LEASE_MS = 30_000;
export const RECOVERY_BACKOFF_MS = 10_000;
export const OWNER = 'runner-1';

/** A fresh world: empty TSM, empty store. */
export function harness(): Harness {
  const clock = fakeClock();
  const tsm = new FakeTsmClient(clock);
  const store = new MemoryStore({ now: clock.now });
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  let created = 0;
  const deps: IntegrationRunnerDeps = {
    tsm,
    store,
    logger,
    now: clock.now,
    // The first integration of a test is INTEGRATION_ID; any later one gets an id of its own.
    newId: () => (++created === 1 ? INTEGRATION_ID : `int-${created}`),
    deadlineMs: DEADLINE_MS,
    leaseMs: LEASE_MS,
    owner: OWNER,
  };
  const registry = new RunRegistry();
  const runOutcome: Harness['runOutcome'] = (integration = exampleIntegration(), options = {}) =>
    runIntegration(
      deps,
      { integration, warnings: [], actor: 'ops-team', requestId: REQUEST_ID },
      { ...options, registry, recoveryBackoffMs: RECOVERY_BACKOFF_MS },
    );
  return {
    clock,
    tsm,
    store,
    logs,
    deps,
    registry,
    runOutcome,
    run: async (integration = exampleIntegration(), warnings = []) => {
      const outcome = await runIntegration(
        deps,
        { integration, warnings, actor: 'ops-team', requestId: REQUEST_ID },
        { registry, recoveryBackoffMs: RECOVERY_BACKOFF_MS },
      );
      if (outcome.kind === 'not-started') throw new Error(`not started: ${outcome.refusal.reason}`);
      return outcome.integration;
    },
    audit: () => store.auditTrail().filter((record) => record.integrationId === INTEGRATION_ID),
  };
}

/** The example with onExisting "replace". */
export function replacing(integration = exampleIntegration()): NormalizedIntegration {
  return { ...integration, onExisting: 'replace' };
}
