/**
 * The command line: which command, its arguments and its flags, read with node:util's parseArgs.
 * Every flag is parsed in one strict pass, then checked against the command it was given to, so
 * that global flags may come before or after the command.
 */
import { parseArgs } from 'node:util';

/** The commands, in the order the help lists them. */
export const COMMANDS = ['create', 'preview', 'show', 'list', 'delete'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Wrong flags, arguments or files: the client exits 2 and prints the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'idempotency-key': { type: 'string' },
  'no-wait': { type: 'boolean' },
  wait: { type: 'boolean' },
  'poll-interval': { type: 'string' },
  status: { type: 'string' },
  'ca-label': { type: 'string' },
  actor: { type: 'string' },
  'created-after': { type: 'string' },
  'created-before': { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const;

type Flag = keyof typeof OPTIONS;

const GLOBAL_FLAGS: Flag[] = ['url', 'api-key', 'token', 'json', 'timeout', 'help'];

/** Per command: the flags it takes beyond the global ones, and its one argument, if any. */
const COMMAND_SHAPES: Record<CommandName, { flags: Flag[]; argument?: string }> = {
  create: { flags: ['idempotency-key', 'no-wait', 'poll-interval'], argument: 'file' },
  preview: { flags: [], argument: 'file' },
  show: { flags: ['wait', 'poll-interval'], argument: 'id' },
  list: {
    flags: [
      ...['status', 'ca-label', 'actor', 'created-after', 'created-before'],
      ...['limit', 'cursor', 'all'],
    ] as Flag[],
  },
  delete: { flags: ['no-wait', 'poll-interval'], argument: 'id' },
};

/** What the command line asks for. */
export interface Invocation {
  command: CommandName | undefined;
  /** The file of create and preview, the id of show and delete. */
  argument: string | undefined;
  flags: Partial<Record<Flag, string | boolean>>;
}

/** Reads the command line; throws a UsageError naming the flag or argument at fault. */
export function parseInvocation(args: string[]): Invocation {
  const { values, positionals } = parseOrExplain(args);
  const flags = values as Invocation['flags'];
  const [name, argument, ...extra] = positionals;
  if (name === undefined) return { command: undefined, argument: undefined, flags };
  if (!isCommand(name)) {
    throw new UsageError(`Unknown command "${name}"; use one of ${COMMANDS.join(', ')}.`);
  }

  const shape = COMMAND_SHAPES[name];
  for (const flag of Object.keys(flags) as Flag[]) {
    if (!GLOBAL_FLAGS.includes(flag) && !shape.flags.includes(flag)) {
      throw new UsageError(`--${flag} is not a flag of ${name}; see ${name} --help.`);
    }
  }
  if (flags.help !== true) checkArguments(name, argument, extra);
  return { command: name, argument, flags };
}

function parseOrExplain(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs names the flag at fault and says what it expected; its message is kept as is.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function checkArguments(name: CommandName, argument: string | undefined, extra: string[]): void {
  const expected = COMMAND_SHAPES[name].argument;
  if (expected !== undefined && (argument === undefined || argument.trim() === '')) {
    throw new UsageError(`${name} needs its <${expected}>: ${usageLine(name)}`);
  }
  const unexpected = expected === undefined ? argument : extra[0];
  if (unexpected !== undefined) {
    throw new UsageError(`Unexpected argument "${unexpected}": ${usageLine(name)}`);
  }
}

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

/** The synopsis of a command. */
export function usageLine(name: CommandName): string {
  const shape = COMMAND_SHAPES[name];
  const argument = shape.argument === undefined ? '' : ` <${shape.argument}>`;
  const flags = shape.flags.map((flag) => ` [--${flag}${valueHint(flag)}]`).join('');
  return `tsm-vault-integrations ${name}${argument}${flags}`;
}

function valueHint(flag: Flag): string {
  return OPTIONS[flag].type === 'string' ? ' <value>' : '';
}

/** A whole number of at least `minimum` from a flag, or undefined when the flag is absent. */
export function wholeNumberFlag(
  value: string | boolean | undefined,
  flag: Flag,
  minimum: number,
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < minimum) {
    throw new UsageError(
      `--${flag} must be a whole number of at least ${minimum}, not "${value}".`,
    );
  }
  return number;
}

/** A positive number of seconds (fractions allowed) from a flag, in milliseconds. */
export function secondsFlag(
  value: string | boolean | undefined,
  flag: Flag,
  fallbackSeconds: number,
): number {
  if (typeof value !== 'string') return fallbackSeconds * 1000;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${flag} must be a number of seconds above 0, not "${value}".`);
  }
  return Math.round(seconds * 1000);
}

/** A string flag's value, or undefined. */
export function textFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
