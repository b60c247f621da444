/** delete <id>: takes an integration down in TSM and reports how the deletion ended. */
import { reportIntegration, reportProblem, succeeded, type CommandContext } from '../context.js';
import type { ExitCode } from '../exit-codes.js';
import { followAccepted } from './accepted.js';

/** Deletes an integration; a deletion the service finishes later is followed like a create. */
export async function remove(context: CommandContext): Promise<ExitCode> {
  const id = context.invocation.argument ?? '';
  const answer = await context.client.send(
    'DELETE',
    `vault-integrations/${encodeURIComponent(id)}`,
  );
  if (answer.status === 202) return followAccepted(context, answer);
  if (!succeeded(answer)) return reportProblem(context, answer);
  return reportIntegration(context, answer, true);
}
