/** How the client shows a preview's plan: what a real run would do to each TSM resource. */
import type { FindingView } from './answers.js';
import { cells } from './render.js';

/** One resource of a plan. */
export interface PlanEntryView {
  kind?: string;
  id?: string;
  /** create, unchanged, replace, conflict, or missing (a referenced bundle TSM lacks). */
  action?: string;
  tsmPath?: string;
  differingFields?: string[];
}

/** A preview as POST ?dryRun=true answers it. */
export interface PlanView {
  caLabel?: string;
  wouldProceed?: boolean;
  resources?: PlanEntryView[];
  warnings?: FindingView[];
  preflight?: {
    mode?: string;
    outcome?: string;
    checks?: { name?: string; outcome?: string; code?: string; detail?: string }[];
  };
  preflightFailure?: { code?: string; detail?: string };
}

/** The plan, one resource a line, then the warnings; the exact bodies are in --json. */
export function describePlan(plan: PlanView): string {
  const verdict =
    plan.wouldProceed === false
      ? 'A real run would stop before writing anything.'
      : 'A real run would go ahead.';
  const lines = [`Preview for CA label ${plan.caLabel ?? '?'} (nothing was changed in TSM):`];
  for (const entry of plan.resources ?? []) {
    lines.push(
      `  ${cells([entry.kind, 22], [entry.id, 30], [entry.action, 11])}${entry.tsmPath ?? ''}`,
    );
    for (const field of entry.differingFields ?? []) lines.push(`    differs at ${field}`);
  }
  lines.push(...preflightLines(plan));
  lines.push(verdict, 'The bodies a real run would send: --json.');
  const warnings = plan.warnings ?? [];
  if (warnings.length > 0) lines.push('Warnings:');
  for (const warning of warnings) {
    lines.push(`  ${warning.pointer ?? ''} ${warning.code ?? ''}: ${warning.message ?? ''}`);
  }
  return lines.join('\n');
}

function preflightLines(plan: PlanView): string[] {
  const preflight = plan.preflight;
  if (preflight === undefined) return [];
  const lines = [`Vault preflight (${preflight.mode ?? '?'}): ${preflight.outcome ?? '?'}`];
  for (const check of preflight.checks ?? []) {
    if (check.outcome === 'passed') continue;
    lines.push(`  ${cells([check.name, 12], [check.outcome, 9])}${check.detail ?? ''}`);
  }
  const failure = plan.preflightFailure;
  if (failure !== undefined) lines.push(`  ${failure.code ?? '?'}: ${failure.detail ?? ''}`);
  return lines;
}
