/**
 * What create and delete do when the service answers 202: the work runs on in the service, and
 * the client follows it to its end (or, with --no-wait, says where to look and returns).
 */
import { asObject, type IntegrationView } from '../answers.js';
import { reportIntegration, reportProblem, succeeded, type CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { followIntegration } from '../progress.js';
import type { ServiceAnswer } from '../service-client.js';
import { pollIntervalMs } from './flags.js';

/** Follows an accepted integration, or reports it accepted when --no-wait was given. */
export async function followAccepted(
  context: CommandContext,
  accepted: ServiceAnswer,
): Promise<ExitCode> {
  const id = acceptedId(accepted);
  if (context.invocation.flags['no-wait'] === true) {
    context.output.out(
      context.json
        ? JSON.stringify(accepted.body ?? { id })
        : `Accepted: integration ${id} runs on in the service. Follow it with: show ${id} --wait`,
    );
    return EXIT.OK;
  }

  if (!context.json) context.output.err(`Accepted: integration ${id}; following it.`);
  const ended = await followIntegration(context.client, id, {
    intervalMs: pollIntervalMs(context),
    progress: context.json ? undefined : context.output,
  });
  return succeeded(ended) ? reportIntegration(context, ended, true) : reportProblem(context, ended);
}

/** The id of an accepted integration: from its body, else the last segment of Location. */
function acceptedId(accepted: ServiceAnswer): string {
  const fromBody = asObject<IntegrationView>(accepted.body).id;
  if (fromBody !== undefined) return fromBody;
  return decodeURIComponent(accepted.location?.split('/').pop() ?? '');
}
