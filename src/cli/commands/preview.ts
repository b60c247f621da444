/**
 * preview <file>: asks the service what create would do in TSM (POST ?dryRun=true), which changes
 * nothing. A plan a real run would stop on exits as that run would: 4 for a conflict, 1 for a
 * referenced bundle TSM lacks; so a ticket can stop before creating.
 */
import { asObject } from '../answers.js';
import { reportProblem, succeeded, type CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { describePlan, type PlanView } from '../render-plan.js';
import { readRequestFile } from '../request-file.js';

/** Previews the integration of a JSON or YAML file. */
export async function preview(context: CommandContext): Promise<ExitCode> {
  const body = await readRequestFile(context.invocation.argument ?? '-', context.stdin);
  const answer = await context.client.send('POST', 'vault-integrations?dryRun=true', { body });
  if (!succeeded(answer)) return reportProblem(context, answer);

  const plan = asObject<PlanView>(answer.body);
  context.output.out(context.json ? JSON.stringify(answer.body) : describePlan(plan));
  if (plan.wouldProceed !== false) return EXIT.OK;
  const conflicted = (plan.resources ?? []).some((entry) => entry.action === 'conflict');
  return conflicted ? EXIT.CONFLICT : EXIT.FAILED;
}
