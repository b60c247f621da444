/**
 * Follows a running integration by reading it again and again until it ends, telling a person
 * each step as it appears. A read that gets no answer is tried again a few times: a blip on the
 * network should not end a wait of minutes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asObject, RUNNING_STATUSES, type IntegrationView } from './answers.js';
import { succeeded, type Output } from './context.js';
import { describeStep } from './render.js';
import {
  ServiceUnreachableError,
  type ServiceAnswer,
  type ServiceClient,
} from './service-client.js';

/** Reads that may get no answer in a row before following gives up. */
const MISSED_READS_ALLOWED = 3;

export interface FollowOptions {
  intervalMs: number;
  /** Where progress lines go; undefined follows silently (--json). */
  progress: Output | undefined;
}

/** Reads the integration until it has ended, or an answer is not the integration; returns it. */
export async function followIntegration(
  client: ServiceClient,
  id: string,
  options: FollowOptions,
): Promise<ServiceAnswer> {
  const shown = { steps: 0, status: '' };
  let missed = 0;
  for (;;) {
    let answer: ServiceAnswer;
    try {
      answer = await client.send('GET', `vault-integrations/${encodeURIComponent(id)}`);
      missed = 0;
    } catch (error) {
      missed += 1;
      if (!(error instanceof ServiceUnreachableError)) throw error;
      if (error.timedOut) throw stillRunning(id);
      if (missed > MISSED_READS_ALLOWED) throw error;
      await pause(client, options.intervalMs, id);
      continue;
    }
    if (!succeeded(answer)) return answer;

    const integration = asObject<IntegrationView>(answer.body);
    if (options.progress !== undefined) tell(options.progress, integration, shown);
    if (!RUNNING_STATUSES.includes(integration.status ?? '')) return answer;
    await pause(client, options.intervalMs, id);
  }
}

function tell(
  progress: Output,
  integration: IntegrationView,
  shown: { steps: number; status: string },
): void {
  const steps = integration.steps ?? [];
  for (const step of steps.slice(shown.steps)) progress.err(`  ${describeStep(step)}`);
  shown.steps = steps.length;
  const status = integration.status ?? 'unknown';
  if (status !== shown.status) progress.err(`… ${status}`);
  shown.status = status;
}

async function pause(client: ServiceClient, intervalMs: number, id: string): Promise<void> {
  try {
    await sleep(intervalMs, undefined, { signal: client.signal });
  } catch {
    throw stillRunning(id);
  }
}

function stillRunning(id: string): ServiceUnreachableError {
  return new ServiceUnreachableError(
    `Integration ${id} is still running and the command's time is up (--timeout); ` +
      `follow it with: show ${id} --wait`,
    true,
  );
}
