/**
 * Tells a respond-async caller, once, that its integration has ended: a POST of the integration
 * as JSON to the callback URL it named (checked against CALLBACK_URL_ALLOWLIST), retried with
 * backoff while the receiver fails or cannot be reached. Each delivery, or the giving up, is
 * audited; the URL's query string is left out of logs and audit records, as it may carry a token.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import type { AuditAction } from '../domain/audit-actions.js';
import type { Integration } from '../orchestration/integration.js';
import type { RunLogger } from '../orchestration/run-integration.js';
import type { Store } from '../storage/store.js';

/** How often and how patiently a callback is tried. */
export interface CallbackPolicy {
  maxAttempts: number;
  attemptTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Notifies a callback URL that an integration ended. Never throws. */
export type NotifyCallback = (
  url: URL,
  integration: Integration,
  context: { actor: string; requestId: string; logger: RunLogger },
) => Promise<void>;

/** A notifier that delivers with `policy` and audits to `store`. */
export function callbackNotifier(store: Store, policy: CallbackPolicy): NotifyCallback {
  return async (url, integration, context) => {
    const target = `${url.origin}${url.pathname}`;
    const record = (action: AuditAction, details: Record<string, unknown>) =>
      store.appendAudit([
        {
          action,
          actor: context.actor,
          requestId: context.requestId,
          integrationId: integration.id,
          details: { target, ...details },
        },
      ]);
    const statuses: (number | string)[] = [];
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
      const status = await deliver(url, integration, policy.attemptTimeoutMs);
      statuses.push(status);
      if (typeof status === 'number' && status >= 200 && status < 300) {
        await record('callback.delivered', { attempts: attempt, status });
        return;
      }
      context.logger.warn({ target, attempt, status }, 'callback attempt failed');
      if (attempt < policy.maxAttempts) await delay(backoff(policy, attempt));
    }
    context.logger.warn({ target, statuses }, 'callback given up');
    await record('callback.failed', { attempts: policy.maxAttempts, statuses });
  };
}

/** One POST; the status answered, or why none came. */
async function deliver(
  url: URL,
  integration: Integration,
  timeoutMs: number,
): Promise<number | string> {
  try {
    const answer = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(integration),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await answer.body.dump();
    return answer.statusCode;
  } catch (error) {
    return error instanceof Error ? error.name : 'error';
  }
}

function backoff(policy: CallbackPolicy, attempt: number): number {
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (attempt - 1));
}
