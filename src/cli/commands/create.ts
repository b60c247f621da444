/**
 * create <file>: sends the request and reports how the integration ended. It asks the service to
 * answer at once (Prefer: respond-async) so that progress can be shown; a service that answers
 * only when done is just as fine.
 */
import { textFlag } from '../arguments.js';
import { reportIntegration, reportProblem, succeeded, type CommandContext } from '../context.js';
import type { ExitCode } from '../exit-codes.js';
import { readRequestFile } from '../request-file.js';
import { followAccepted } from './accepted.js';

/** Creates an integration from a JSON or YAML file. */
export async function create(context: CommandContext): Promise<ExitCode> {
  const body = await readRequestFile(context.invocation.argument ?? '-', context.stdin);
  const headers: Record<string, string> = { prefer: 'respond-async' };
  const idempotencyKey = textFlag(context.invocation.flags['idempotency-key']);
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;

  const answer = await context.client.send('POST', 'vault-integrations', { body, headers });
  if (answer.status === 202) return followAccepted(context, answer);
  if (!succeeded(answer)) return reportProblem(context, answer);
  return reportIntegration(context, answer, true);
}
