import { describe, expect, it } from 'vitest';
import { runWithRetry } from '../../src/tsm/retry-policy.js';
import { SETTINGS, fakeTools, networkError, ok, scriptedRun } from './support/scripted-attempts.js';

describe('uncertainty of a failed change', () => {
  it.each([
    ['PUT', 'ECONNRESET', true],
    ['DELETE', 'UND_ERR_SOCKET', true],
    ['PUT', 'ECONNREFUSED', false],
    ['GET', 'ECONNRESET', false],
  ] as const)('%s that fails with %s is uncertain: %s', async (method, code, uncertain) => {
    const { run } = scriptedRun([networkError(code)], { method });

    const result = await runWithRetry(run, { ...SETTINGS, maxAttempts: 1 }, fakeTools());

    expect(result).toMatchObject({ ok: false, uncertain, failure: { kind: 'unavailable' } });
  });

  it.each([
    ['PUT', 103, true],
    ['PUT', 302, true],
    ['DELETE', 304, true],
    ['PUT', 501, true],
    ['PUT', 409, false],
    ['GET', 302, false],
  ] as const)(
    '%s answered %i is uncertain: %s, and not retried',
    async (method, status, uncertain) => {
      const failure = { kind: 'unavailable' as const, status, message: `answered ${status}` };
      const { run } = scriptedRun([{ kind: 'failure', status, failure }, ok], { method });

      const result = await runWithRetry(run, SETTINGS, fakeTools());

      expect(result).toEqual({ ok: false, attempts: 1, uncertain, failure });
    },
  );

  it('stays uncertain when a definite refusal follows an unseen answer', async () => {
    const failure = { kind: 'rejected' as const, status: 409, message: 'no', excerpt: '' };
    const { run } = scriptedRun([
      networkError('ECONNRESET'),
      { kind: 'failure', status: 409, failure },
    ]);

    const result = await runWithRetry(run, SETTINGS, fakeTools());

    expect(result).toMatchObject({ ok: false, attempts: 2, uncertain: true, failure });
  });

  it('does not retry an error that is no network error', async () => {
    const { run } = scriptedRun([new TypeError('bug'), ok]);

    const result = await runWithRetry(run, SETTINGS, fakeTools());

    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'unavailable' } });
  });
});
