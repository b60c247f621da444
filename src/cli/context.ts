/** What every command is given: the service client, the output streams and the chosen flags. */
import type { Invocation } from './arguments.js';
import type { ServiceAnswer, ServiceClient } from './service-client.js';
import { asObject, type IntegrationView, type ProblemView } from './answers.js';
import { EXIT, exitCodeOfProblem, exitCodeOfIntegration, type ExitCode } from './exit-codes.js';
import { describeIntegration, describeProblem } from './render.js';

const CREDENTIAL_HINT =
  'Give a caller key in VAULT_INTEGRATIONS_API_KEY (or a JWT in VAULT_INTEGRATIONS_TOKEN) that ' +
  'holds the scope of this command.';

/** Where a command writes: results to out, messages and progress to err. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  client: ServiceClient;
  output: Output;
  /** --json: the service's answer goes to standard output as JSON, and nothing else does. */
  json: boolean;
  invocation: Invocation;
  stdin: NodeJS.ReadableStream;
}

/** Whether an answer is a success (2xx). */
export function succeeded(answer: ServiceAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** Prints a problem answer and gives its exit status. */
export function reportProblem(context: CommandContext, answer: ServiceAnswer): ExitCode {
  const problem = asObject<ProblemView>(answer.body);
  const exitCode = exitCodeOfProblem(problem.code, answer.status);
  if (context.json) {
    context.output.out(JSON.stringify(answer.body ?? { status: answer.status }));
    return exitCode;
  }
  context.output.err(describeProblem(problem, answer.status));
  if (exitCode === EXIT.AUTH) context.output.err(CREDENTIAL_HINT);
  return exitCode;
}

/**
 * Prints an integration the service answered with, and gives the exit status its status means;
 * `statusMatters` is false for a plain read, which succeeds whatever the integration's fate.
 */
export function reportIntegration(
  context: CommandContext,
  answer: ServiceAnswer,
  statusMatters: boolean,
): ExitCode {
  const integration = asObject<IntegrationView>(answer.body);
  context.output.out(context.json ? JSON.stringify(answer.body) : describeIntegration(integration));
  return statusMatters
    ? exitCodeOfIntegration(integration.status, integration.failure?.code)
    : EXIT.OK;
}
