/**
 * The failures of a call that its caller cancelled (the service stopping halts a running
 * integration). They are 'timeout' failures: the call ended before it could finish, and each
 * message says it was cancelled and at which point.
 */
import { TARGET_LABELS, type RetryTarget } from './retry-types.js';
import type { TsmFailure } from './types.js';

/** The call was cancelled before its next attempt could start. */
export function cancelledBeforeAttempt(target: RetryTarget, attempts: number): TsmFailure {
  const name = TARGET_LABELS[target].name;
  return attempts === 0
    ? timeout(`the call to ${name} was cancelled before it was made`)
    : timeout(`the call to ${name} was cancelled after ${attempts} attempt(s)`);
}

/** The call was cancelled while an attempt was waiting for its answer. */
export function cancelledDuringAttempt(target: RetryTarget): TsmFailure {
  const name = TARGET_LABELS[target].name;
  return timeout(`the call to ${name} was cancelled while waiting for its answer`);
}

/** The call was cancelled while waiting to try again. */
export function cancelledDuringWait(target: RetryTarget, attempts: number): TsmFailure {
  const name = TARGET_LABELS[target].name;
  return timeout(
    `the call to ${name} was cancelled while waiting to try again after ${attempts} attempt(s)`,
  );
}

/** The call was cancelled while it waited for CSP to grant an access token. */
export function cancelledAwaitingToken(): TsmFailure {
  return timeout('the call to TSM was cancelled while waiting for an access token from CSP');
}

function timeout(message: string): TsmFailure {
  return { kind: 'timeout', message };
}
