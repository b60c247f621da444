/**
 * The part of docker-compose.yml this project uses, read with the `yaml` package and checked
 * against a TypeBox schema, and the `${NAME:-default}` interpolation Compose applies to it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';

const Strings = Type.Array(Type.String());

const Service = Type.Object({
  image: Type.Optional(Type.String()),
  build: Type.Optional(Type.Object({ context: Type.String(), target: Type.String() })),
  ports: Type.Optional(Strings),
  environment: Type.Optional(Type.Record(Type.String(), Type.String())),
  volumes: Type.Optional(Strings),
  depends_on: Type.Optional(Type.Record(Type.String(), Type.Object({ condition: Type.String() }))),
  healthcheck: Type.Optional(Type.Object({ test: Strings })),
  stop_grace_period: Type.Optional(Type.String()),
});

const ComposeFile = Type.Object({
  services: Type.Record(Type.String(), Service),
  volumes: Type.Optional(Type.Record(Type.String(), Type.Null())),
});

/** One service of the compose file, as far as the tests read it. */
export type ComposeService = Static<typeof Service>;

/** The compose file, as far as the tests read it. */
export type ComposeFile = Static<typeof ComposeFile>;

/** The compose file's content; throws with the first mismatch when it has another shape. */
export function parseCompose(text: string): ComposeFile {
  const document: unknown = parse(text);
  if (!Value.Check(ComposeFile, document)) {
    const first = Value.Errors(ComposeFile, document).First();
    throw new Error(`docker-compose.yml: ${first?.path ?? ''} ${first?.message ?? ''}`);
  }
  return document;
}

/** The service of that name; throws when the file has none. */
export function serviceNamed(compose: ComposeFile, name: string): ComposeService {
  const service = compose.services[name];
  if (service === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return service;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g;

/**
 * A value as Compose fills it in from `shell`: ${NAME}, ${NAME:-default}, ${NAME-default},
 * ${NAME:?message} and $$. With ":" an empty variable counts as unset.
 */
export function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(
    REFERENCE,
    (whole, name?: string, colon?: string, operator?: string, text?: string) => {
      if (name === undefined) return '$';
      const current = shell[name];
      const unset = current === undefined || (colon === ':' && current === '');
      if (!unset) return current;
      if (operator === '?') throw new Error(`${whole}: ${text ?? ''}`);
      return text ?? '';
    },
  );
}

/** The environment a service's container gets when Compose runs with `shell`. */
export function containerEnvironment(
  service: ComposeService,
  shell: Record<string, string>,
): Record<string, string> {
  const entries = Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value, shell)]));
}

const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 };

/** A Compose duration ("50s", "1m30s") in milliseconds; throws on anything else. */
export function durationMs(text: string): number {
  const parts = [...text.matchAll(DURATION_PART)];
  if (parts.map((part) => part[0]).join('') !== text || parts.length === 0) {
    throw new Error(`not a Compose duration: ${text}`);
  }
  return parts.reduce((sum, [, amount = '0', unit = 'ms']) => {
    return sum + Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  }, 0);
}

/** A published port "host-address:host-port:container-port" taken apart. */
export function publishedPort(spec: string): { address: string; host: number; container: number } {
  const match = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):(\d+)$/.exec(spec);
  if (match === null) throw new Error(`not an address:port:port mapping: ${spec}`);
  const [, address = '0.0.0.0', host = '', container = ''] = match;
  return { address, host: Number(host), container: Number(container) };
}
