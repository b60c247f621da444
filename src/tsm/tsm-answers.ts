/**
 * What TSM's answers mean for each kind of call. TSM's API is generated with the usual defaults
 * (PUT 200/201, GET 200/404, DELETE 200/404), so any 2xx is success and a 404 has a meaning only
 * for reads and deletes.
 */
import type { ResourceBody } from '../domain/resources.js';
import { excerptOf, messageOf, parseJson } from './error-excerpt.js';
import type { HttpAnswer } from './http-answer.js';
import { isRetryableStatus, type AttemptOutcome } from './retry-policy.js';
import type { TsmFailure } from './types.js';

/**
 * A read: the resource, or null when TSM has none. A 2xx whose body is not a JSON object fails
 * as 'unavailable' without a retry: the same server would answer the same, and guessing at a
 * body the comparison relies on could replace a resource that is in fact equal.
 */
export function readAnswer(answer: HttpAnswer): AttemptOutcome<ResourceBody | null> {
  const { status } = answer;
  if (status === 404) return { kind: 'success', status, value: null };
  if (!isSuccess(status)) return refusedAnswer(answer);

  const body = parseJson(answer.text);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return { kind: 'success', status, value: body as ResourceBody };
  }
  const message = 'TSM answered a read with a body that is not a JSON object';
  const failure: TsmFailure = {
    kind: 'unavailable',
    status,
    message,
    excerpt: excerptOf(answer.text),
  };
  return { kind: 'failure', status, failure };
}

/** A create-or-replace. */
export function writeAnswer(answer: HttpAnswer): AttemptOutcome<void> {
  const { status } = answer;
  return isSuccess(status) ? { kind: 'success', status, value: undefined } : refusedAnswer(answer);
}

/** A delete: 'absent' when the resource was already gone. */
export function deleteAnswer(answer: HttpAnswer): AttemptOutcome<'deleted' | 'absent'> {
  const { status } = answer;
  if (status === 404) return { kind: 'success', status, value: 'absent' };
  return isSuccess(status) ? { kind: 'success', status, value: 'deleted' } : refusedAnswer(answer);
}

/** Whether the call failed because TSM refused the access token. */
export function isTokenRefusal(failure: TsmFailure): boolean {
  return failure.kind === 'auth';
}

function refusedAnswer(answer: HttpAnswer): AttemptOutcome<never> {
  const { status } = answer;
  if (status === 401 || status === 403) {
    const message = `TSM refused the access token (HTTP ${status})`;
    return { kind: 'failure', status, failure: { kind: 'auth', message } };
  }

  const excerpt = excerptOf(answer.text);
  const message = messageOf(answer.text) ?? `TSM answered ${status}`;
  if (!isRetryableStatus(status)) {
    return { kind: 'failure', status, failure: { kind: 'rejected', status, message, excerpt } };
  }
  const failure: TsmFailure = { kind: 'unavailable', status, message, excerpt };
  return answer.retryAfter === undefined
    ? { kind: 'failure', status, failure }
    : { kind: 'failure', status, failure, retryAfter: answer.retryAfter };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
