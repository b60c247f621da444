/**
 * One run of the command-line client: reads the command line and the environment, runs the
 * command against the service and gives the exit status. It never prints the credential.
 */
import {
  parseInvocation,
  secondsFlag,
  textFlag,
  UsageError,
  type CommandName,
} from './arguments.js';
import { create } from './commands/create.js';
import { remove } from './commands/delete.js';
import { list } from './commands/list.js';
import { preview } from './commands/preview.js';
import { show } from './commands/show.js';
import type { CommandContext, Output } from './context.js';
import { readCliEnvironment } from './environment.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { commandHelp, helpText } from './help.js';
import { createServiceClient, ServiceUnreachableError } from './service-client.js';

const COMMAND_RUNNERS: Record<CommandName, (context: CommandContext) => Promise<ExitCode>> = {
  create,
  preview,
  show,
  list,
  delete: remove,
};

/** Longest a command waits for the service unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 600;

export interface RunEnvironment {
  env: NodeJS.ProcessEnv;
  output: Output;
  stdin: NodeJS.ReadableStream;
}

/** Runs the client with these arguments; resolves with the exit status. */
export async function run(args: string[], environment: RunEnvironment): Promise<ExitCode> {
  const { output } = environment;
  const json = args.includes('--json');
  try {
    return await runCommand(args, environment);
  } catch (error) {
    if (error instanceof UsageError) return fail(output, json, 'USAGE', error.message, EXIT.USAGE);
    if (error instanceof ServiceUnreachableError) {
      const code = error.timedOut ? 'TIMED_OUT' : 'SERVICE_UNREACHABLE';
      return fail(output, json, code, error.message, EXIT.UNAVAILABLE);
    }
    throw error;
  }
}

async function runCommand(args: string[], environment: RunEnvironment): Promise<ExitCode> {
  const invocation = parseInvocation(args);
  const { command, flags } = invocation;
  if (command === undefined) {
    environment.output[flags.help === true ? 'out' : 'err'](helpText());
    return flags.help === true ? EXIT.OK : EXIT.USAGE;
  }
  if (flags.help === true) {
    environment.output.out(commandHelp(command));
    return EXIT.OK;
  }

  const env = readCliEnvironment(environment.env);
  const client = createServiceClient({
    baseUrl: textFlag(flags.url) ?? env.VAULT_INTEGRATIONS_URL,
    credential: credentialOf(flags, env),
    timeoutMs: secondsFlag(flags.timeout, 'timeout', DEFAULT_TIMEOUT_SECONDS),
  });
  try {
    const context = { client, output: environment.output, json: flags.json === true, invocation };
    return await COMMAND_RUNNERS[command]({ ...context, stdin: environment.stdin });
  } finally {
    await client.close();
  }
}

function credentialOf(
  flags: Record<string, string | boolean | undefined>,
  env: ReturnType<typeof readCliEnvironment>,
): string | undefined {
  const apiKey = textFlag(flags['api-key']) ?? env.VAULT_INTEGRATIONS_API_KEY;
  const token = textFlag(flags.token) ?? env.VAULT_INTEGRATIONS_TOKEN;
  if (apiKey !== undefined && token !== undefined) {
    throw new UsageError(
      'Give either a caller key (--api-key, VAULT_INTEGRATIONS_API_KEY) or a JWT (--token, ' +
        'VAULT_INTEGRATIONS_TOKEN), not both.',
    );
  }
  return apiKey ?? token;
}

/** Reports an error of the client itself; with --json, also as JSON on standard output. */
function fail(
  output: Output,
  json: boolean,
  code: string,
  detail: string,
  exitCode: ExitCode,
): ExitCode {
  output.err(`error: ${detail}`);
  if (json) output.out(JSON.stringify({ code, detail }));
  return exitCode;
}
