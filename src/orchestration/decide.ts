/**
 * What to do with each planned resource, given what TSM already holds. Pure: the plan and the
 * bodies read from TSM in, decisions and warnings out.
 */
import { differingFields } from '../domain/compare.js';
import type { Warning } from '../domain/findings.js';
import type { OnExisting } from '../domain/integration-request.js';
import type { DesiredResource, ResourceBody, ResourceKind } from '../domain/resources.js';
import { describeResource } from './failures.js';

const CERT_CHAIN_POINTER = '/certificateAuthorityBundle/cert_chain';

/**
 * create: absent, write it. replace: present with other content, write it and keep the old body
 * to restore. unchanged: present and equal in every field we send. referenced: a bundle that must
 * exist and does. conflict: present with other content under onExisting "reject". missing: a
 * referenced bundle that TSM does not hold.
 */
export type Decision =
  | { action: 'create'; kind: ResourceKind; id: string; body: ResourceBody }
  | {
      action: 'replace';
      kind: ResourceKind;
      id: string;
      body: ResourceBody;
      snapshot: ResourceBody;
      differingFields: string[];
    }
  | { action: 'conflict'; kind: ResourceKind; id: string; differingFields: string[] }
  | { action: 'unchanged' | 'referenced' | 'missing'; kind: ResourceKind; id: string };

/** Decides one resource from the body TSM holds (`null`: absent). */
export function decide(
  resource: DesiredResource,
  existing: ResourceBody | null,
  onExisting: OnExisting,
): Decision {
  const { kind, id } = resource;
  if (resource.mode === 'reference') {
    return { action: existing === null ? 'missing' : 'referenced', kind, id };
  }
  const body = resource.body;
  if (body === undefined) throw new Error(`the plan has no body to write for ${kind}`);
  if (existing === null) return { action: 'create', kind, id, body };

  const differing = differingFields(body, existing, resource.absentFields);
  if (differing.length === 0) return { action: 'unchanged', kind, id };
  if (onExisting === 'reject') return { action: 'conflict', kind, id, differingFields: differing };
  return { action: 'replace', kind, id, body, snapshot: existing, differingFields: differing };
}

/**
 * Warnings for replacements that change which CA TSM trusts: a bundle with other certificates,
 * or an account that names another bundle.
 */
export function rootsOfTrustWarnings(decisions: Decision[]): Warning[] {
  const warnings: Warning[] = [];
  for (const decision of decisions) {
    if (decision.action !== 'replace') continue;
    if (decision.kind === 'caBundle' && decision.differingFields.includes(CERT_CHAIN_POINTER)) {
      warnings.push(
        rootsWarning(
          '/caBundle/pem',
          `Replacing ${describeResource('caBundle', decision.id)} changes its certificates`,
        ),
      );
    }
    if (
      decision.kind === 'account' &&
      decision.body.certificate_id !== decision.snapshot.certificate_id
    ) {
      const what = describeResource('account', decision.id);
      warnings.push(
        rootsWarning('/account/id', `Replacing ${what} makes it trust another CA bundle`),
      );
    }
  }
  return warnings;
}

function rootsWarning(pointer: string, change: string): Warning {
  return {
    pointer,
    code: 'ROOTS_OF_TRUST_CHANGED',
    message:
      `${change}, so the roots of trust change: clusters that share a global namespace with ` +
      "clusters of the old CA would stop trusting each other, as TSM's documentation warns.",
  };
}
