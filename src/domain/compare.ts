/**
 * Deciding whether a resource already in TSM is the one we would write. TSM adds fields of its own
 * (ids, status, timestamps), so only the fields we send are compared; a certificate chain is
 * compared by its certificates, not by its whitespace.
 */
import type { ResourceBody } from './resources.js';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * JSON pointers (into the body) of the fields we send whose value in `existing` differs, and of
 * the `absentFields` that `existing` sets. Empty when `existing` is the resource we would write.
 */
export function differingFields(
  desired: ResourceBody,
  existing: ResourceBody,
  absentFields: readonly string[] = [],
): string[] {
  const differences: string[] = [];
  collectDifferences(desired, existing, '', differences);
  for (const pointer of absentFields) {
    const value = valueAt(existing, pointer);
    if (value !== undefined && value !== null && value !== '') differences.push(pointer);
  }
  return differences;
}

/** The value at a JSON pointer made of plain object keys, or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const key of pointer.split('/').slice(1)) {
    if (!isPlainObject(value)) return undefined;
    value = value[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function collectDifferences(
  desired: unknown,
  existing: unknown,
  pointer: string,
  out: string[],
): void {
  if (isPlainObject(desired)) {
    if (!isPlainObject(existing)) {
      out.push(pointer);
      return;
    }
    for (const [key, value] of Object.entries(desired)) {
      collectDifferences(value, existing[key], `${pointer}/${escapePointer(key)}`, out);
    }
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(existing) || existing.length !== desired.length) {
      out.push(pointer);
      return;
    }
    desired.forEach((item, index) =>
      collectDifferences(item, existing[index], `${pointer}/${index}`, out),
    );
    return;
  }
  if (pointer.endsWith('/cert_chain') && typeof desired === 'string') {
    if (typeof existing !== 'string' || !sameCertificates(desired, existing)) out.push(pointer);
    return;
  }
  if (desired !== existing) out.push(pointer);
}

/** True when both PEM texts hold the same certificates in the same order. */
export function sameCertificates(a: string, b: string): boolean {
  const left = certificateBodies(a);
  const right = certificateBodies(b);
  return left.length === right.length && left.every((body, index) => body === right[index]);
}

/** The base64 bodies of the CERTIFICATE blocks of a PEM text, whitespace removed. */
export function certificateBodies(pem: string): string[] {
  return [...pem.matchAll(CERTIFICATE_BLOCK)].map((match) => (match[1] ?? '').replace(/\s+/g, ''));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
