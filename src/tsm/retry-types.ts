/**
 * The vocabulary of the retry loop: its settings, its injectable tools, and the shape of one call
 * and of one attempt's answer.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { TsmAttempt, TsmFailure } from './types.js';

/** How many attempts, how long each may take, and how long to wait between them. */
export type RetrySettings = Config['retry'];

/** Randomness, time and waiting, injectable so that a test can make the policy exact. */
export interface RetryTools {
  /** A number in [0, 1). */
  random: () => number;
  /** Resolves after ms; rejects when the signal aborts first. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Epoch milliseconds. */
  now: () => number;
}

/**
 * What an attempt is given: its number, and a signal that aborts it at its timeout, at the
 * deadline, or when the caller cancels the call.
 */
export interface AttemptContext {
  attempt: number;
  signal: AbortSignal;
}

/**
 * What an answered attempt means. `failure` is what the call ends with if no attempt follows;
 * for a retryable status it should be 'unavailable'. Network errors and aborts are thrown.
 */
export type AttemptOutcome<T> =
  | { kind: 'success'; status: number; value: T }
  | { kind: 'failure'; status: number; failure: TsmFailure; retryAfter?: string };

/** Which service a call goes to; it names the failures and the log lines. */
export type RetryTarget = 'tsm' | 'csp';

/** One call to make with retries. */
export interface RetryRun<T> {
  target: RetryTarget;
  method: TsmAttempt['method'];
  path: string;
  /** Epoch milliseconds; no attempt starts and no wait ends after it. */
  deadline: number;
  /** Number of the first attempt when the call continues an earlier run; 1 by default. */
  firstAttempt?: number;
  /** The caller's: when it aborts, no attempt starts, a wait ends and a running attempt is cut. */
  signal?: AbortSignal | undefined;
  attempt: (context: AttemptContext) => Promise<AttemptOutcome<T>>;
  onAttempt?: ((attempt: TsmAttempt) => void) | undefined;
  logger: Logger;
}

/** How failures and log lines name each target. */
export const TARGET_LABELS = {
  tsm: {
    name: 'TSM',
    attempt: 'tsm call attempt',
    retrying: 'tsm call retrying',
    fault: 'tsm call fault',
  },
  csp: {
    name: 'CSP',
    attempt: 'csp token exchange attempt',
    retrying: 'csp token exchange retrying',
    fault: 'csp token exchange fault',
  },
} as const satisfies Record<RetryTarget, Record<string, string>>;
