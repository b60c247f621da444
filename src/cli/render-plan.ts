/** How the client shows a preview's plan: what would happen to each TSM resource. */
import type { FindingView } from './answers.js';

/** One resource of a plan. */
export interface PlanEntryView {
  kind?: string;
  id?: string;
  action?: string;
  method?: string;
  tsmPath?: string;
  differingFields?: string[];
}

/** The plan's entries, wherever the answer holds them. */
export function planEntries(plan: Record<string, unknown>): PlanEntryView[] {
  const entries = plan.resources ?? plan.plan;
  return Array.isArray(entries) ? (entries as PlanEntryView[]) : [];
}

/** The plan, one resource a line, then the warnings. */
export function describePlan(plan: Record<string, unknown>): string {
  const lines = ['Preview (nothing was changed in TSM):'];
  for (const entry of planEntries(plan)) {
    const what = `${entry.kind ?? '?'} ${entry.id ?? '?'}`;
    const where = entry.method === undefined ? '' : ` ${entry.method} ${entry.tsmPath ?? ''}`;
    lines.push(`  ${what.padEnd(40)}${(entry.action ?? '?').padEnd(11)}${where}`);
    for (const field of entry.differingFields ?? []) lines.push(`    differs at ${field}`);
  }
  const warnings = Array.isArray(plan.warnings) ? (plan.warnings as FindingView[]) : [];
  if (warnings.length > 0) lines.push('Warnings:');
  for (const warning of warnings) {
    lines.push(`  ${warning.pointer ?? ''} ${warning.code ?? ''}: ${warning.message ?? ''}`);
  }
  return lines.join('\n');
}
