/**
 * What TSM's answers mean for each kind of call. TSM's API is generated with the usual defaults
 * (PUT 200/201, GET 200/404, DELETE 200/404), so any 2xx is success and a 404 has a meaning only
 * for reads and deletes. Every text of a body that a failure keeps is redacted first, before it is
 * cut to an excerpt, so that no cut can leave part of a token behind.
 */
import type { ResourceBody } from '../domain/resources.js';
import { excerptOf, messageOf, parseJson } from './error-excerpt.js';
import { isSuccess, tooLargeMessage, type HttpAnswer } from './http-answer.js';
import { isRetryableStatus, type AttemptOutcome } from './retry-policy.js';
import type { TsmFailure } from './types.js';

/** Removes secrets from a text before it leaves the client. */
export type Redact = (text: string) => string;

/** How a call reads TSM's answer. */
export type Interpret<T> = (answer: HttpAnswer, redact: Redact) => AttemptOutcome<T>;

/**
 * A read: the resource, or null when TSM has none. A 2xx whose body is not a JSON object, or is
 * too large to read, fails as 'unavailable' without a retry: the same server would answer the
 * same, and guessing at a body the comparison relies on could replace a resource that is equal.
 */
export function readAnswer(
  answer: HttpAnswer,
  redact: Redact,
): AttemptOutcome<ResourceBody | null> {
  const { status } = answer;
  if (status === 404) return { kind: 'success', status, value: null };
  if (!isSuccess(status)) return refusedAnswer(answer, redact);
  if (answer.truncated) return inconclusive(answer, redact, tooLargeMessage('TSM', status));

  // Redacted before it is parsed: a resource that quotes a token must not carry it out either.
  const body = parseJson(redact(answer.text));
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return { kind: 'success', status, value: body as ResourceBody };
  }
  return inconclusive(
    answer,
    redact,
    `TSM answered ${status} with a body that is not a JSON object`,
  );
}

/** A create-or-replace. Its success body is never parsed, so its size does not matter. */
export function writeAnswer(answer: HttpAnswer, redact: Redact): AttemptOutcome<void> {
  const { status } = answer;
  if (isSuccess(status)) return { kind: 'success', status, value: undefined };
  return refusedAnswer(answer, redact);
}

/** A delete: 'absent' when the resource was already gone. */
export function deleteAnswer(
  answer: HttpAnswer,
  redact: Redact,
): AttemptOutcome<'deleted' | 'absent'> {
  const { status } = answer;
  if (status === 404) return { kind: 'success', status, value: 'absent' };
  if (isSuccess(status)) return { kind: 'success', status, value: 'deleted' };
  return refusedAnswer(answer, redact);
}

/** Whether the call failed because TSM refused the access token. */
export function isTokenRefusal(failure: TsmFailure): boolean {
  return failure.kind === 'auth';
}

function refusedAnswer(answer: HttpAnswer, redact: Redact): AttemptOutcome<never> {
  const { status } = answer;
  if (status === 401 || status === 403) {
    const message = `TSM refused the access token (HTTP ${status})`;
    return { kind: 'failure', status, failure: { kind: 'auth', message } };
  }
  if (isRetryableStatus(status)) return retryableAnswer(answer, redact);
  if (status >= 400 && status < 500) {
    const text = redact(answer.text);
    const message = messageOf(text) ?? `TSM answered ${status}`;
    const failure: TsmFailure = { kind: 'rejected', status, message, excerpt: excerptOf(text) };
    return { kind: 'failure', status, failure };
  }
  // A redirect, an informational or an unusual 5xx: not a refusal, so a change may have been made.
  return inconclusive(
    answer,
    redact,
    `TSM answered ${status}, which is neither success nor refusal`,
  );
}

function retryableAnswer(answer: HttpAnswer, redact: Redact): AttemptOutcome<never> {
  const { status } = answer;
  const text = redact(answer.text);
  const message = messageOf(text) ?? `TSM answered ${status}`;
  const failure: TsmFailure = { kind: 'unavailable', status, message, excerpt: excerptOf(text) };
  return answer.retryAfter === undefined
    ? { kind: 'failure', status, failure }
    : { kind: 'failure', status, failure, retryAfter: answer.retryAfter };
}

/** An answer that is neither usable nor a refusal, and that retrying would not change. */
function inconclusive(answer: HttpAnswer, redact: Redact, message: string): AttemptOutcome<never> {
  const { status } = answer;
  const excerpt = excerptOf(redact(answer.text));
  return { kind: 'failure', status, failure: { kind: 'unavailable', status, message, excerpt } };
}
