/**
 * The environment variables the command-line client reads, as one TypeBox schema with a
 * description each. They are the client's, not the service's: the README lists them in its CLI
 * section, and a test keeps that table equal to this schema.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Where the service listens when started with its defaults. */
const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The client's environment: where the service is and how to prove who is calling. */
export const CliEnvironmentSchema = Type.Object({
  VAULT_INTEGRATIONS_URL: Type.String({
    description: 'Base URL of the service; --url overrides it.',
    default: DEFAULT_URL,
  }),
  VAULT_INTEGRATIONS_API_KEY: Type.Optional(
    Type.String({ description: 'Caller key sent as a bearer credential; --api-key overrides it.' }),
  ),
  VAULT_INTEGRATIONS_TOKEN: Type.Optional(
    Type.String({ description: 'JWT sent as a bearer credential; --token overrides it.' }),
  ),
});

/** The client's environment, read. */
export type CliEnvironment = Static<typeof CliEnvironmentSchema>;

/** Picks the client's variables out of a process environment; an empty value counts as unset. */
export function readCliEnvironment(env: NodeJS.ProcessEnv): CliEnvironment {
  const set = (name: keyof CliEnvironment) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    VAULT_INTEGRATIONS_URL: set('VAULT_INTEGRATIONS_URL') ?? DEFAULT_URL,
    VAULT_INTEGRATIONS_API_KEY: set('VAULT_INTEGRATIONS_API_KEY'),
    VAULT_INTEGRATIONS_TOKEN: set('VAULT_INTEGRATIONS_TOKEN'),
  };
}
