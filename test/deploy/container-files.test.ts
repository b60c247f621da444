/**
 * The container files, checked without a Docker engine: the compose stack names the right
 * services, ports, health checks and variables; the Dockerfile's stages start the right files
 * as the right user; and the image's start command, run on the build's output, serves /healthz
 * to its own health check and stops cleanly on SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnvironmentSchema, loadConfig } from '../../src/config.js';
import { DEFAULT_API_TOKEN } from '../../src/simulator/simulator.js';
import {
  containerEnvironment,
  durationMs,
  interpolate,
  parseCompose,
  publishedPort,
  serviceNamed,
  type ComposeService,
} from './compose.js';
import {
  baseImage,
  commands,
  copyPaths,
  environment,
  execForm,
  healthCheckCommand,
  inherited,
  inStage,
  isIgnored,
  lastInherited,
  parseDockerfile,
  stageNamed,
} from './dockerfile.js';
import { originOf, scriptOf } from './image-paths.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(posix.join(ROOT, path), 'utf8');

const stages = parseDockerfile(read('Dockerfile'));
const compose = parseCompose(read('docker-compose.yml'));
const service = serviceNamed(compose, 'vault-integrations');
const postgres = serviceNamed(compose, 'postgres');
const simulator = serviceNamed(compose, 'tsm-simulator');
const simulatorStage = stageNamed(stages, 'simulator');
const runtime = stages.at(-1);
if (runtime === undefined) throw new Error('the Dockerfile has no stage');

/** The words of an instruction that must be in exec form. */
function execWords(args: string): string[] {
  const words = execForm(args);
  if (words === undefined) throw new Error(`not in exec form: ${args}`);
  return words;
}

/** The value of a flag in a command ("--port", "4000"). */
function flagValue(command: string[], flag: string): string | undefined {
  const index = command.indexOf(flag);
  return index < 0 ? undefined : command[index + 1];
}

/** The health check a compose service runs: its own, or its image's HEALTHCHECK. */
function healthCheck(composed: ComposeService): string[] {
  if (composed.healthcheck !== undefined) return composed.healthcheck.test;
  const target = composed.build?.target;
  if (target === undefined) return [];
  const stage = stageNamed(stages, target);
  return healthCheckCommand(lastInherited(stages, stage, 'HEALTHCHECK'));
}

const simulatorCommand = execWords(lastInherited(stages, simulatorStage, 'CMD').args);
const simulatorPort = Number(flagValue(simulatorCommand, '--port'));
const outOfTheBox = containerEnvironment(service, {});

describe('docker-compose.yml', () => {
  it('runs the service, PostgreSQL and the TSM simulator, each from its image or stage', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'postgres',
      'tsm-simulator',
      'vault-integrations',
    ]);
    expect(service.build).toEqual({ context: '.', target: runtime.name });
    expect(simulator.build).toEqual({ context: '.', target: simulatorStage.name });
    expect(postgres.image).toMatch(/^postgres:1[67](\.\d+)*(-[a-z]+)?$/);
  });

  it('checks the health of all three, PostgreSQL with pg_isready on its own database', () => {
    expect(healthCheck(service).join(' ')).toContain('/healthz');
    expect(healthCheck(simulator).join(' ')).toContain(`127.0.0.1:${simulatorPort}/`);

    // Compose turns $$ into $, and the container's shell fills in its own variables.
    const [form, line = ''] = healthCheck(postgres);
    const probe = interpolate(interpolate(line, {}), postgres.environment ?? {}).split(/\s+/);
    expect(form).toBe('CMD-SHELL');
    expect(probe[0]).toBe('pg_isready');
    expect(flagValue(probe, '-U')).toBe(postgres.environment?.POSTGRES_USER);
    expect(flagValue(probe, '-d')).toBe(postgres.environment?.POSTGRES_DB);
  });

  it('starts the service only once PostgreSQL and the simulator are healthy', () => {
    expect(service.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      'tsm-simulator': { condition: 'service_healthy' },
    });
  });

  it('publishes the service and the simulator on loopback, at the ports they listen on', () => {
    const servicePort = Number(outOfTheBox.PORT ?? environment(stages, runtime).PORT);
    expect(service.ports?.map(publishedPort)).toEqual([
      { address: '127.0.0.1', host: 3000, container: servicePort },
    ]);
    expect(simulator.ports?.map(publishedPort)).toEqual([
      { address: '127.0.0.1', host: 4000, container: simulatorPort },
    ]);
  });

  it('sets only variables the service reads, and a configuration it accepts', () => {
    const known = Object.keys(EnvironmentSchema.properties);
    for (const name of Object.keys(outOfTheBox)) expect(known, name).toContain(name);
    expect(outOfTheBox.TSM_URL).toBeTruthy();
    expect(outOfTheBox.TSM_API_TOKEN ?? outOfTheBox.TSM_ACCESS_TOKEN).toBeTruthy();
    expect(outOfTheBox.API_KEYS ?? outOfTheBox.AUTH_DISABLED).toBeTruthy();

    // The container sees the image's ENV under the compose file's.
    const imageEnvironment = environment(stages, runtime);
    expect(() => loadConfig({ ...imageEnvironment, ...outOfTheBox })).not.toThrow();
  });

  it('points the service at the simulator and at PostgreSQL out of the box', () => {
    const simulatorUrl = `http://tsm-simulator:${simulatorPort}`;
    expect(outOfTheBox.TSM_URL).toBe(simulatorUrl);
    expect(outOfTheBox.CSP_URL).toBe(simulatorUrl);
    const accepted = flagValue(simulatorCommand, '--api-token') ?? DEFAULT_API_TOKEN;
    expect(outOfTheBox.TSM_API_TOKEN).toBe(accepted);

    const database = new URL(outOfTheBox.DATABASE_URL ?? '');
    expect(database.protocol).toBe('postgres:');
    expect(database.host).toBe('postgres:5432');
    expect(database.username).toBe(postgres.environment?.POSTGRES_USER);
    expect(database.password).toBe(postgres.environment?.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.environment?.POSTGRES_DB ?? ''}`);
  });

  it('points the service at a real TSM through environment variables alone', () => {
    const shell = {
      TSM_URL: 'https://prod-2.nsxservicemesh.vmware.com',
      CSP_URL: 'https://console.cloud.vmware.com',
      TSM_API_TOKEN: 'an-api-token-from-csp',
      API_KEYS: 'portal=a-long-random-caller-key',
    };

    expect(containerEnvironment(service, shell)).toMatchObject(shell);
  });

  it('gives running integrations their grace and hand-over before Docker kills the service', () => {
    const handOver = /const HAND_OVER_MS = ([\d_]+);/.exec(read('src/server.ts'))?.[1];
    const fallback: unknown = EnvironmentSchema.properties.SHUTDOWN_GRACE_MS.default;
    const grace = outOfTheBox.SHUTDOWN_GRACE_MS ?? fallback;
    expect(handOver, 'HAND_OVER_MS in src/server.ts').toBeDefined();

    const needed = Number(grace) + Number(handOver?.replaceAll('_', ''));
    expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThan(needed);
  });

  it("keeps PostgreSQL's data and the service's /data in named volumes", () => {
    const named = Object.keys(compose.volumes ?? {});
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(service.volumes).toEqual(['service-data:/data']);
    expect(named.sort()).toEqual(['postgres-data', 'service-data']);
    expect(lastInherited(stages, runtime, 'VOLUME').args).toBe('["/data"]');
  });
});

describe('Dockerfile', () => {
  it('builds the service last, from a Node.js LTS image, as a user other than root', () => {
    const major = Number(/^node:(\d+)-/.exec(runtime.base)?.[1]);
    expect(major % 2, runtime.base).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);

    const user = lastInherited(stages, runtime, 'USER').args.split(':')[0];
    expect(['root', '0', undefined]).not.toContain(user);
  });

  it('installs production dependencies only, compiled on the image that runs them', () => {
    const modules = originOf(stages, runtime, inStage(stages, runtime, 'node_modules'));
    if (modules.from !== 'stage') throw new Error('node_modules is not copied from a stage');
    const installer = stageNamed(stages, modules.stage);
    const steps = commands(stages, installer);

    // better-sqlite3 is a native addon: it loads only into the Node.js it was built for.
    expect(baseImage(stages, installer)).toBe(runtime.base);
    expect(steps.some((step) => /^npm (ci|prune)\b.*--omit=dev/.test(step))).toBe(true);
  });

  it('checks /healthz and starts node by exec-form commands', () => {
    const probe = healthCheckCommand(lastInherited(stages, runtime, 'HEALTHCHECK'));
    expect(probe.join(' ')).toContain('/healthz');
    expect(execWords(lastInherited(stages, runtime, 'CMD').args)[0]).toBe('node');
    const entrypoints = inherited(stages, runtime, 'ENTRYPOINT');
    for (const entrypoint of entrypoints) expect(execForm(entrypoint.args)).toBeDefined();
  });

  it('copies only files that exist in the repository and that .dockerignore lets in', () => {
    const ignored = readIgnored();
    const copied = stages.flatMap((stage) =>
      stage.instructions
        .filter((instruction) => instruction.keyword === 'COPY' && !instruction.flags.from)
        .flatMap((copy) => copyPaths(copy).sources),
    );

    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) {
      expect(existsSync(posix.join(ROOT, source)), source).toBe(true);
      expect(isIgnored(ignored, source), source).toBe(false);
    }
  });

  it('leaves dependencies, local state, git and secrets out of the build context', () => {
    const ignored = readIgnored();
    const local = [
      'node_modules/fastify',
      'data/vault-integrations.db',
      '.git/HEAD',
      '.env',
      'x.db',
    ];

    for (const path of local) expect(isIgnored(ignored, path), path).toBe(true);
    expect(isIgnored(ignored, 'src/server.ts')).toBe(false);
  });

  it('starts the simulator from a source file that exists, with tsx installed', () => {
    const script = scriptOf(simulatorCommand) ?? 'no script';
    const origin = originOf(stages, simulatorStage, inStage(stages, simulatorStage, script));
    if (origin.from !== 'context') throw new Error(`${script} is not copied from the repository`);

    expect(flagValue(simulatorCommand, '--import')).toBe('tsx');
    expect(existsSync(posix.join(ROOT, origin.path)), origin.path).toBe(true);
    expect(isIgnored(readIgnored(), origin.path), origin.path).toBe(false);

    const steps = commands(stages, simulatorStage);
    expect(steps.some((step) => /^npm ci\b/.test(step))).toBe(true);
    expect(steps.filter((step) => /\btsx\b|--omit=dev/.test(step))).toEqual([]);
  });
});

/** The patterns of .dockerignore, comments left out. */
function readIgnored(): string[] {
  return read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
