/**
 * A TSM client wired to a scripted server, with waits recorded instead of slept, every attempt
 * collected and every log line captured, so that a test can assert exactly what a caller sees.
 */
import { pino } from 'pino';
import type { Config } from '../../../src/config.js';
import { CSP_AUTHORIZE_PATH } from '../../../src/tsm/access-token.js';
import { createTsmClient } from '../../../src/tsm/http-tsm-client.js';
import type { RetrySettings, RetryTools } from '../../../src/tsm/retry-policy.js';
import type { TsmAttempt, TsmCallOptions, TsmClient } from '../../../src/tsm/types.js';
import {
  startScriptedServer,
  type ScriptedAnswer,
  type ScriptedServer,
} from './scripted-server.js';

/** The CSP exchange as a scripted route. */
export const CSP_ROUTE = `POST ${CSP_AUTHORIZE_PATH}`;

/** The API token every harness exchanges; it must never show in a log, result or attempt. */
export const API_TOKEN = 'api-token-that-must-stay-secret-7f3a';

/** A CSP answer granting an access token. */
export function grant(accessToken: string, expiresIn = 1799): ScriptedAnswer {
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn },
  };
}

/** Retry settings small enough for tests; waits equal the backoff ceiling (random() = 1). */
export const TEST_RETRY: RetrySettings = {
  maxAttempts: 3,
  attemptTimeoutMs: 2_000,
  backoffBaseMs: 100,
  backoffMaxMs: 1_000,
};

export interface HarnessOptions {
  retry?: Partial<RetrySettings>;
  credentials?: Config['tsmCredentials'];
  /** The client's clock; the real one when absent. */
  now?: () => number;
  /** Where TSM is, when not on the scripted server. */
  tsmUrl?: string;
  /** How the client waits, after the wait is recorded; at once when absent. */
  sleep?: RetryTools['sleep'];
}

export interface Harness {
  server: ScriptedServer;
  client: TsmClient;
  /** Every wait the client asked for, in milliseconds. */
  sleeps: number[];
  /** Every attempt reported through onAttempt. */
  attempts: TsmAttempt[];
  /** Every log line, as written. */
  logLines: string[];
  /** Call options with a 60 s deadline on the client's clock. */
  callOptions: (overrides?: Partial<TsmCallOptions>) => TsmCallOptions;
  close(): Promise<void>;
}

/** Starts a scripted server and a client against it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = await startScriptedServer();
  const sleeps: number[] = [];
  const attempts: TsmAttempt[] = [];
  const logLines: string[] = [];
  const now = options.now ?? Date.now;
  const client = createTsmClient({
    tsmUrl: options.tsmUrl ?? server.url,
    cspUrl: server.url,
    credentials: options.credentials ?? { kind: 'api-token', apiToken: API_TOKEN },
    retry: { ...TEST_RETRY, ...options.retry },
    logger: pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) }),
    tools: {
      random: () => 1,
      now,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return options.sleep === undefined ? Promise.resolve() : options.sleep(ms, signal);
      },
    },
  });
  // A test may close the client itself to prove nothing holds it open; closing twice would throw.
  let clientClosed: Promise<void> | undefined;
  const closeClient = () => (clientClosed ??= client.close());
  return {
    server,
    client: { ...client, close: closeClient },
    sleeps,
    attempts,
    logLines,
    callOptions: (overrides = {}) => ({
      requestId: 'request-0001',
      deadline: now() + 60_000,
      onAttempt: (attempt) => attempts.push(attempt),
      ...overrides,
    }),
    close: async () => {
      await server.close();
      await closeClient();
    },
  };
}
