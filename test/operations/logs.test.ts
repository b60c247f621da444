import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { ACCOUNT_PATH, CA_PATH, documentationRequest, tsmCalls } from '../support/requests.js';
import { linesSince, type LogLine } from './support/log-lines.js';

const WARN = 40;
const ERROR = 50;

interface Created {
  status: string;
  steps: { attempts: unknown[] }[];
}

/** Every attempt the answer's steps show, as a caller counts them. */
function attemptsOf(integration: Created): number {
  return integration.steps.reduce((sum, step) => sum + step.attempts.length, 0);
}

describe('the log lines of an integration', () => {
  let harness: Harness;
  beforeAll(async () => {
    // No sweep during these tests: its lines would mix with the ones under test.
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '600000' } });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  /** Creates the documentation's integration with a request id; its answer and its lines. */
  async function create(requestId: string): Promise<{ body: Created; lines: LogLine[] }> {
    const from = harness.logLines.length;
    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
      headers: { 'x-request-id': requestId },
    });
    const body = (answer.body as { integration?: Created }).integration ?? (answer.body as Created);
    return { body, lines: linesSince(harness.logLines, from) };
  }

  const named = (lines: LogLine[], msg: string) => lines.filter((line) => line.msg === msg);
  const atLeast = (lines: LogLine[], level: number) => lines.filter((line) => line.level >= level);

  it('puts the request id on every line the request causes, down to each TSM attempt', async () => {
    const { lines } = await create('CHG-logs-1');

    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((line) => line.reqId !== 'CHG-logs-1')).toEqual([]);
    expect(named(lines, 'tsm call attempt').length).toBe(6);
    expect(named(lines, 'csp token exchange attempt').length).toBe(1);
  });

  it('logs a success as one info line at its start and one at its end, nothing louder', async () => {
    const { body, lines } = await create('CHG-logs-2');

    const started = named(lines, 'integration started');
    const ended = named(lines, 'integration succeeded');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ level: 30, actor: 'portal', resources: 3 });
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ level: 30, outcome: 'succeeded', attempts: attemptsOf(body) });
    expect(ended[0]?.durationMs).toEqual(expect.any(Number));
    expect(atLeast(lines, WARN)).toEqual([]);
  });

  it('logs each retry as a warn line, and the success after it at info', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503, count: 2 });

    const { body, lines } = await create('CHG-logs-3');

    expect(body.status).toBe('succeeded');
    const warnings = atLeast(lines, WARN);
    expect(warnings.map((line) => [line.level, line.msg, line.status])).toEqual([
      [WARN, 'tsm call retrying', 503],
      [WARN, 'tsm call retrying', 503],
    ]);
    expect(warnings.every((line) => line.reqId === 'CHG-logs-3')).toBe(true);
    expect(named(lines, 'integration succeeded')[0]).toMatchObject({ outcome: 'succeeded' });
  });

  it('logs a rollback as a warn line, and its end at info, without an error', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });

    const { body, lines } = await create('CHG-logs-4');

    expect(body.status).toBe('rolled_back');
    expect(atLeast(lines, WARN).map((line) => [line.level, line.msg])).toEqual([
      [WARN, 'integration rolling back'],
    ]);
    const ended = named(lines, 'integration rolled back');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      level: 30,
      outcome: 'rolled_back',
      attempts: attemptsOf(body),
    });
    expect(ended[0]).toMatchObject({ code: 'TSM_REJECTED' });
  });

  it('logs an error only when something is left in TSM for an operator', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 400 });

    const { body, lines } = await create('CHG-logs-5');

    expect(body.status).toBe('rollback_failed');
    const errors = atLeast(lines, ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'integration rollback failed',
      reqId: 'CHG-logs-5',
      outcome: 'rollback_failed',
    });
    const left = errors[0]?.leftInTsm as { kind: string; id: string }[];
    expect(left.map(({ kind, id }) => `${kind}:${id}`)).toContain('account:my-vault-account');
    expect(named(lines, 'compensation failed')[0]).toMatchObject({ level: WARN });
  });

  it('logs a refused request at info, with its id', async () => {
    const from = harness.logLines.length;
    const answer = await harness.call('POST', '/vault-integrations', {
      body: { caBundle: {} },
      headers: { 'x-request-id': 'CHG-logs-6' },
    });
    expect(answer.status).toBe(400);

    const lines = linesSince(harness.logLines, from);
    expect(atLeast(lines, WARN)).toEqual([]);
    expect(named(lines, 'request refused')[0]).toMatchObject({
      level: 30,
      reqId: 'CHG-logs-6',
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('the log lines of recovery', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '200' } });
  });
  afterAll(() => harness.close());

  it('gives the lines of each sweep and each recovered integration an id of their own', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 400 });
    const from = harness.logLines.length;
    await harness.call('POST', '/vault-integrations', { body: documentationRequest() });

    const recovered = await vi.waitFor(
      () => {
        const lines = linesSince(harness.logLines, from);
        const ended = named(lines, 'integration rolled back');
        if (ended.length === 0) throw new Error('not recovered yet');
        return { lines, ended: ended[0] };
      },
      { timeout: 10_000, interval: 100 },
    );

    expect(recovered.ended?.reqId).toMatch(/^recovery-/);
    const recovering = named(recovered.lines, 'integration recovering');
    expect(recovering[0]).toMatchObject({ level: WARN, reqId: recovered.ended?.reqId });
    expect(recovered.lines.filter((line) => typeof line.reqId !== 'string')).toEqual([]);
  });

  function named(lines: LogLine[], msg: string): LogLine[] {
    return lines.filter((line) => line.msg === msg);
  }
});

describe('the error lines an operator must act on', () => {
  const created = async (env: Record<string, string>, requestId: string) => {
    const harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '600000', ...env } });
    try {
      const from = harness.logLines.length;
      const answer = await harness.call('POST', '/vault-integrations', {
        body: documentationRequest(),
        headers: { 'x-request-id': requestId },
      });
      const lines = linesSince(harness.logLines, from);
      const refusals = tsmCalls(harness.sim).filter((call) => call.endsWith(' 401')).length;
      return { answer, errors: lines.filter((line) => line.level >= ERROR), lines, refusals };
    } finally {
      await harness.close();
    }
  };

  it('names an API token CSP refuses, once per exchange, without the token', async () => {
    const revoked = 'revoked-api-token-0123456789';
    const { answer, errors, lines } = await created({ TSM_API_TOKEN: revoked }, 'CHG-logs-7');

    expect(answer.body).toMatchObject({ code: 'TSM_AUTH_FAILED' });
    expect(errors.map((line) => [line.msg, line.reqId, line.reason])).toEqual([
      ['csp refused the api token', 'CHG-logs-7', 'CSP refused the API token (invalid_grant)'],
    ]);
    expect(JSON.stringify(lines)).not.toContain(revoked);
  });

  it('names a fixed access token TSM refuses, once per refused call', async () => {
    const env = { TSM_API_TOKEN: '', TSM_ACCESS_TOKEN: 'stale-access-token-0123456789' };
    const { answer, errors, refusals } = await created(env, 'CHG-logs-8');

    expect(answer.body).toMatchObject({ code: 'TSM_AUTH_FAILED' });
    expect(refusals).toBeGreaterThan(0);
    expect(errors.map((line) => [line.msg, line.reqId, line.token])).toEqual(
      Array(refusals).fill(['tsm refused the access token', 'CHG-logs-8', 'fixed']),
    );
  });
});
