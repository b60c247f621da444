/** list: integrations newest first, with the service's filters; --all follows every page. */
import { textFlag, wholeNumberFlag } from '../arguments.js';
import { asObject, type IntegrationView, type PageView } from '../answers.js';
import { reportProblem, succeeded, type CommandContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { describePage } from '../render.js';

/** Flag to query parameter, as the service names them. */
const FILTERS = {
  status: 'status',
  'ca-label': 'caLabel',
  actor: 'actor',
  'created-after': 'createdAfter',
  'created-before': 'createdBefore',
} as const;

/** Lists integrations; the service checks the filters and names any it refuses. */
export async function list(context: CommandContext): Promise<ExitCode> {
  const { flags } = context.invocation;
  const query = new URLSearchParams();
  for (const [flag, parameter] of Object.entries(FILTERS)) {
    const value = textFlag(flags[flag as keyof typeof FILTERS]);
    if (value !== undefined) query.set(parameter, value);
  }
  const limit = wholeNumberFlag(flags.limit, 'limit', 1);
  if (limit !== undefined) query.set('limit', String(limit));
  let cursor = textFlag(flags.cursor);

  const integrations: IntegrationView[] = [];
  for (;;) {
    if (cursor !== undefined) query.set('cursor', cursor);
    const answer = await context.client.send('GET', `vault-integrations?${query.toString()}`);
    if (!succeeded(answer)) return reportProblem(context, answer);
    const page = asObject<PageView>(answer.body);
    integrations.push(...(page.integrations ?? []));
    cursor = page.nextCursor;
    if (flags.all !== true || cursor === undefined) break;
  }

  const shown: PageView = { integrations, ...(cursor === undefined ? {} : { nextCursor: cursor }) };
  context.output.out(context.json ? JSON.stringify(shown) : describePage(shown));
  return EXIT.OK;
}
