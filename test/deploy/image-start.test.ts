/**
 * The image's start command, run as the image would run it: the build's output laid out as the
 * runtime stage lays it out, started with the stage's CMD and environment plus the compose
 * file's, checked by the stage's own HEALTHCHECK command and stopped with SIGTERM.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerEnvironment, parseCompose, serviceNamed } from './compose.js';
import {
  environment,
  execForm,
  healthCheckCommand,
  inherited,
  inStage,
  lastInherited,
  parseDockerfile,
  stageNamed,
  type Stage,
} from './dockerfile.js';
import { originOf, scriptOf, within } from './image-paths.js';
import { freePort, printed, run, start } from './processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const BUILD_LIMIT_MS = 60_000;
const CHECK_LIMIT_MS = 10_000;

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1) ?? missing('stage');
const command = execForm(lastInherited(stages, runtime, 'CMD').args) ?? missing('exec-form CMD');
const healthCheck = healthCheckCommand(lastInherited(stages, runtime, 'HEALTHCHECK'));
const buildOutDir = (
  JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string } }
).compilerOptions.outDir;

let folder = '';
let app = '';

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tvi-image-'));
  app = join(folder, 'app');
  mkdirSync(app);
  // The image's WORKDIR: package.json beside the dependencies and the compiled dist/.
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  // Type errors are `npm run typecheck`'s to report; here only what the build writes matters,
  // and skipping the check makes the build three times faster.
  const build = await run(
    ['node', TSC, '-p', 'tsconfig.build.json', '--outDir', join(app, buildOutDir), '--noCheck'],
    ROOT,
    { PATH: process.env.PATH ?? '' },
    BUILD_LIMIT_MS,
  );
  expect(build.code, build.output).toBe(0);
}, BUILD_LIMIT_MS + 5_000);

afterAll(() => {
  if (folder !== '') rmSync(folder, { recursive: true, force: true });
});

describe("the image's start command", () => {
  it('names a file that `npm run build` writes, copied in from the build stage', () => {
    const script = scriptOf(command) ?? missing('script in its CMD');
    const origin = originOf(stages, runtime, inStage(stages, runtime, script));
    if (origin.from !== 'stage') throw new Error(`${script} is not copied from a stage`);
    const builder = stageNamed(stages, origin.stage);

    expect(runs(builder, 'npm run build')).toBe(true);
    const rest = within(origin.path, inStage(stages, builder, buildOutDir));
    expect(rest, `${origin.path} lies outside the build's ${buildOutDir}/`).toBeDefined();
    expect(existsSync(join(app, buildOutDir, rest ?? ''))).toBe(true);
  });

  it('serves /healthz to the health check, and stops cleanly on SIGTERM', async () => {
    const env = await containerLikeEnvironment();
    const service = start(command, app, env);
    try {
      await printed(service, /Server listening at/);
      const healthy = await run(healthCheck, app, env, CHECK_LIMIT_MS);
      expect(healthy.code, healthy.output).toBe(0);

      service.child.kill('SIGTERM');
      const end = await service.finished;
      expect(end.code, end.output).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }

    const stopped = await run(healthCheck, app, env, CHECK_LIMIT_MS);
    expect(stopped.code).not.toBe(0);
  });
});

/**
 * The runtime stage's ENV under the compose service's, as the container sees them, with the
 * address, port and database moved to this machine: loopback, a free port, a SQLite file here.
 */
async function containerLikeEnvironment(): Promise<Record<string, string>> {
  const compose = parseCompose(read('docker-compose.yml'));
  return {
    ...environment(stages, runtime),
    ...containerEnvironment(serviceNamed(compose, 'vault-integrations'), {}),
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    DATABASE_URL: join(folder, 'vault-integrations.db'),
    PATH: process.env.PATH ?? '',
  };
}

function runs(stage: Stage, text: string): boolean {
  return inherited(stages, stage, 'RUN').some((step) => step.args.includes(text));
}

function missing(what: string): never {
  throw new Error(`the Dockerfile has no ${what}`);
}
