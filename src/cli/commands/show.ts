/** show <id>: reads an integration; with --wait, follows it until it has ended. */
import { reportIntegration, reportProblem, succeeded, type CommandContext } from '../context.js';
import type { ExitCode } from '../exit-codes.js';
import { followIntegration } from '../progress.js';
import { pollIntervalMs } from './flags.js';

/** Shows an integration; exits by its outcome only when it was followed to its end. */
export async function show(context: CommandContext): Promise<ExitCode> {
  const id = context.invocation.argument ?? '';
  const wait = context.invocation.flags.wait === true;
  const answer = wait
    ? await followIntegration(context.client, id, {
        intervalMs: pollIntervalMs(context),
        progress: context.json ? undefined : context.output,
      })
    : await context.client.send('GET', `vault-integrations/${encodeURIComponent(id)}`);
  if (!succeeded(answer)) return reportProblem(context, answer);
  return reportIntegration(context, answer, wait);
}
