/** How the client shows answers to a person: short lines, aligned columns, no JSON. */
import type {
  DeletionView,
  FindingView,
  IntegrationView,
  PageView,
  ProblemView,
  StepView,
} from './answers.js';

/** An integration: status, CA label, deletion, resources, steps, warnings, failure, leftovers. */
export function describeIntegration(integration: IntegrationView): string {
  const lines = [`Integration ${integration.id ?? '?'}: ${integration.status ?? 'unknown'}`];
  lines.push(`  CA label  ${integration.caLabel ?? '-'}`);
  lines.push(`  actor     ${integration.actor ?? '-'}`);
  lines.push(`  created   ${integration.createdAt ?? '-'}`);
  if (integration.finishedAt !== undefined) lines.push(`  finished  ${integration.finishedAt}`);
  if (integration.status === 'succeeded' && integration.caLabel !== undefined) {
    lines.push(`  Onboard clusters with the CA label "${integration.caLabel}".`);
  }
  lines.push(...deletionLines(integration.deletion));
  lines.push('Resources:');
  for (const resource of integration.resources ?? []) {
    lines.push(`  ${cells([resource.kind, 22], [resource.id, 30])}${resource.outcome ?? ''}`);
  }
  const steps = integration.steps ?? [];
  if (steps.length > 0) lines.push('Steps:');
  for (const step of steps) lines.push(`  ${describeStep(step)}`);
  lines.push(...findings('Warnings', integration.warnings));
  lines.push(...failureLines(integration));
  return lines.join('\n');
}

/** One step on one line: what, result, attempts and time. */
export function describeStep(step: StepView): string {
  const attempts = (step.attempts ?? []).map((a) => String(a.status ?? a.error ?? '?'));
  const tried = attempts.length === 1 ? '1 attempt' : `${attempts.length} attempts`;
  return (
    cells([`${step.name ?? '?'} ${step.kind ?? '?'}`, 32], [step.result, 11]) +
    `${tried} (${attempts.join(', ')}), ${step.durationMs ?? 0} ms`
  );
}

/** A problem answer, and the integration it carries if any. */
export function describeProblem(problem: ProblemView, status: number): string {
  const code = problem.code ?? 'ERROR';
  const lines = [`${status} ${code}: ${problem.detail ?? 'the service refused the request.'}`];
  for (const error of problem.errors ?? []) lines.push(`  ${describeFinding(error)}`);
  for (const check of problem.failedChecks ?? []) {
    lines.push(`  Vault ${check.name ?? '?'} ${check.code ?? ''}: ${check.detail ?? ''}`);
  }
  if (problem.requestId !== undefined) lines.push(`  requestId ${problem.requestId}`);
  if (problem.integration !== undefined) lines.push(describeIntegration(problem.integration));
  return lines.join('\n');
}

/** A page of integrations as a table, and how to get the next one. */
export function describePage(page: PageView): string {
  const integrations = page.integrations ?? [];
  if (integrations.length === 0) return 'No integrations match.';
  const header = cells(['CREATED', 26], ['ID', 38], ['STATUS', 17], ['CA LABEL', 24]) + 'ACTOR';
  const rows = integrations.map(
    (integration) =>
      cells(
        [integration.createdAt, 26],
        [integration.id, 38],
        [integration.status, 17],
        [integration.caLabel, 24],
      ) + (integration.actor ?? ''),
  );
  const more =
    page.nextCursor === undefined ? [] : [`More: add --cursor ${page.nextCursor} (or --all).`];
  return [header, ...rows, ...more].join('\n');
}

/** Who deleted it and when; a deletion still running has no end yet. */
function deletionLines(deletion: DeletionView | undefined): string[] {
  if (deletion === undefined) return [];
  return [
    'Deletion:',
    `  actor     ${deletion.actor ?? '-'}`,
    `  request   ${deletion.requestId ?? '-'}`,
    `  started   ${deletion.startedAt ?? '-'}`,
    `  finished  ${deletion.finishedAt ?? 'not yet'}`,
  ];
}

function failureLines(integration: IntegrationView): string[] {
  const lines: string[] = [];
  const failure = integration.failure;
  if (failure !== undefined) {
    lines.push(`Failure: ${failure.code ?? '?'}: ${failure.detail ?? ''}`);
    for (const conflict of failure.conflicts ?? []) {
      lines.push(`  conflict  ${conflict.kind ?? '?'} ${conflict.id ?? '?'}`);
    }
  }
  const left = integration.leftInTsm ?? [];
  if (left.length > 0) lines.push('Left in TSM (an operator must look):');
  for (const leftover of left) {
    lines.push(`  ${cells([leftover.kind, 22], [leftover.id, 30])}${leftover.state ?? ''}`);
  }
  return lines;
}

function findings(title: string, list: FindingView[] | undefined): string[] {
  if (list === undefined || list.length === 0) return [];
  return [`${title}:`, ...list.map((finding) => `  ${describeFinding(finding)}`)];
}

function describeFinding(finding: FindingView): string {
  return `${finding.pointer ?? ''} ${finding.code ?? ''}: ${finding.message ?? ''}`.trim();
}

/** Text cells padded to their widths, each followed by at least one space. */
export function cells(...columns: [string | undefined, number][]): string {
  return columns
    .map(([text = '-', width]) => (text.length >= width ? `${text} ` : text.padEnd(width)))
    .join('');
}
