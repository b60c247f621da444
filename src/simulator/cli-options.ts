/**
 * The simulator's command-line flags, parsed with node:util so the CLI needs no extra package.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_API_TOKEN } from './simulator.js';
import type { SimulatorOptions } from './types.js';

/** The help text, also shown after a bad flag. */
export const USAGE = `Options:
  --host <address>             interface to listen on (127.0.0.1)
  --port <number>              port to listen on (0: any free port)
  --api-token <token>          API token CSP accepts; repeat for several (${DEFAULT_API_TOKEN})
  --token-ttl-seconds <n>      access token lifetime (1799)
  --expired-token-status <n>   401 or 403 for a missing, unknown or expired access token (401)
  --latency-ms <n>             delay added to every TSM call (0)
  --journal-limit <n>          requests kept in the journal (10000)
  --log                        log every request to stdout
  --help                       show this help`;

/** The simulator's options from command-line arguments; throws with a message naming the flag. */
export function optionsFromArgs(args: string[]): SimulatorOptions & { help: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'api-token': { type: 'string', multiple: true },
      'token-ttl-seconds': { type: 'string' },
      'expired-token-status': { type: 'string' },
      'latency-ms': { type: 'string' },
      'journal-limit': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });

  const status = optionalNumber(values['expired-token-status'], '--expired-token-status');
  if (status !== undefined && status !== 401 && status !== 403) {
    throw new Error('--expired-token-status must be 401 or 403');
  }
  return {
    help: values.help ?? false,
    host: values.host,
    port: optionalNumber(values.port, '--port'),
    apiTokens: values['api-token'],
    accessTokenTtlSeconds: optionalNumber(values['token-ttl-seconds'], '--token-ttl-seconds'),
    expiredTokenStatus: status,
    latencyMs: optionalNumber(values['latency-ms'], '--latency-ms'),
    journalLimit: optionalNumber(values['journal-limit'], '--journal-limit'),
    logger: values.log === true ? { level: 'info' } : false,
  };
}

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${flag} must be a whole number of at least 0, not "${text}"`);
  }
  return value;
}
