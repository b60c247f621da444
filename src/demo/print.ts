/** How the demo shows an integration, TSM's journal and the audit trail on a terminal. */
import type { RecordedRequest } from '../simulator/index.js';

interface Shown {
  kind: string;
  id: string;
  outcome?: string;
  name?: string;
  method?: string;
  result?: string;
  durationMs?: number;
  attempts?: { status?: number; error?: string; method?: string }[];
  code?: string;
  pointer?: string;
  message?: string;
}

/** A section title. */
export function heading(title: string): void {
  console.log(`\n${title}\n${'='.repeat(title.length)}`);
}

/** The integration: status, CA label, each resource's outcome, each step, the warnings. */
export function printIntegration(status: number, integration: Record<string, unknown>): void {
  console.log(
    `\nHTTP ${status}: integration ${String(integration.id)} is ${String(integration.status)}`,
  );
  if (integration.status === 'succeeded') {
    console.log(`Onboard clusters with the CA label: ${String(integration.caLabel)}`);
  }
  console.log('\nResources:');
  for (const resource of integration.resources as Shown[]) {
    console.log(`  ${pad(resource.kind, 22)}${pad(resource.id, 28)}${resource.outcome ?? ''}`);
  }
  console.log('\nSteps (attempts: status or error):');
  for (const step of integration.steps as Shown[]) {
    const attempts = (step.attempts ?? []).map(describeAttempt).join(', ');
    const line = `${step.name} ${step.kind}`;
    console.log(
      `  ${pad(line, 34)}${pad(step.result ?? '', 11)}` +
        `${pad(`${step.durationMs} ms`, 9)}${attempts}`,
    );
  }
  const warnings = integration.warnings as Shown[];
  if (warnings.length > 0) console.log('\nWarnings:');
  for (const warning of warnings) {
    console.log(`  ${warning.code} at ${warning.pointer}: ${warning.message}`);
  }
}

/** The checks of the request against Vault itself, when they ran. */
export function printPreflight(integration: Record<string, unknown>): void {
  const preflight = integration.preflight as
    | { mode: string; outcome: string; checks: { name: string; code: string; detail: string }[] }
    | undefined;
  if (preflight === undefined) return;
  console.log(`\nVault preflight (${preflight.mode}): ${preflight.outcome}`);
  for (const check of preflight.checks) {
    console.log(`  ${pad(check.name, 12)}${pad(check.code, 24)}${check.detail}`);
  }
}

/** What the simulated TSM received, in order. */
export function printTsmJournal(requests: RecordedRequest[]): void {
  console.log('\nWhat TSM received:');
  for (const request of requests) {
    console.log(`  ${pad(request.method, 7)}${pad(request.path, 86)}${request.status}`);
  }
}

/** The audit trail, oldest first, one line per record. */
export function printAuditTrail(records: Record<string, unknown>[]): void {
  console.log('\nAudit trail:');
  for (const record of records) {
    const time = String(record.at).slice(11, 23);
    console.log(`  ${time}  ${pad(String(record.action), 26)}${summary(record.details)}`);
  }
}

function describeAttempt(attempt: { status?: number; error?: string; method?: string }): string {
  const result = String(attempt.status ?? attempt.error);
  // A POST among a step's attempts is the CSP token exchange made on its behalf.
  return attempt.method === 'POST' ? `(CSP token ${result})` : result;
}

function summary(details: unknown): string {
  const facts = details as Record<string, unknown>;
  const picked = [
    'phase',
    'method',
    'path',
    'attempt',
    'status',
    'error',
    'kind',
    'id',
    'outcome',
    'code',
  ]
    .filter((key) => facts[key] !== undefined)
    .map((key) => `${key}=${String(facts[key])}`);
  return picked.join(' ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}
