/** The client's help text: commands, flags, environment and exit statuses. */
import { COMMANDS, usageLine, type CommandName } from './arguments.js';
import { EXIT, EXIT_MEANINGS } from './exit-codes.js';

const PURPOSES: Record<CommandName, string> = {
  create: 'create an integration from a JSON or YAML file (- reads standard input)',
  preview: 'show what create would do in TSM, changing nothing (POST ?dryRun=true)',
  show: 'show an integration; --wait follows it until it ends',
  list: 'list integrations, newest first; --all follows every page',
  delete: 'take an integration down in TSM',
};

const FLAGS = `Flags of every command:
  --url <url>              the service (VAULT_INTEGRATIONS_URL, else http://127.0.0.1:3000)
  --api-key <key>          caller key (VAULT_INTEGRATIONS_API_KEY); prefer the variable
  --token <jwt>            JWT instead of a key (VAULT_INTEGRATIONS_TOKEN); prefer the variable
  --json                   print the service's answer as JSON, for scripts
  --timeout <seconds>      longest the command waits for the service in all (600)
  -h, --help               this help
create, show --wait and delete:
  --poll-interval <s>      pause between reads while an integration runs (1)
  --no-wait                create and delete: return once the service has accepted the work
  --idempotency-key <key>  create: makes sending the same file again safe
list:
  --status, --ca-label, --actor, --created-after <time>, --created-before <time> (a date such
  as 2026-12-01, or an RFC 3339 time such as 2026-12-01T00:00:00Z),
  --limit <1-500>, --cursor <nextCursor>, --all`;

/** The whole help. */
export function helpText(): string {
  const commands = COMMANDS.map((name) => `  ${name.padEnd(9)}${PURPOSES[name]}`).join('\n');
  const exits = Object.values(EXIT)
    .map((code) => `  ${code}  ${EXIT_MEANINGS[code]}`)
    .join('\n');
  return [
    'Usage: tsm-vault-integrations <command> [arguments] [flags]',
    '',
    'Commands:',
    commands,
    '',
    FLAGS,
    '',
    'Exit statuses:',
    exits,
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(name: CommandName): string {
  return `${usageLine(name)}\n  ${PURPOSES[name]}\n\n${FLAGS}`;
}
