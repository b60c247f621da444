/**
 * Where validators put what they find. Every validator gets the same report, so one pass over a
 * request collects every error and warning at once instead of stopping at the first.
 */
import type { FieldError, Warning } from './findings.js';
import type { ValidationErrorCode, ValidationWarningCode } from './validation-codes.js';

const MAX_ECHO_LENGTH = 80;

/** The findings of one validation run, in the order they were found. */
export class ValidationReport {
  readonly errors: FieldError[] = [];
  readonly warnings: Warning[] = [];

  /** Records a problem that rejects the request. */
  error(pointer: string, code: ValidationErrorCode, message: string): void {
    this.errors.push({ pointer, code, message });
  }

  /** Records a change or remark that lets the request through. */
  warn(pointer: string, code: ValidationWarningCode, message: string): void {
    this.warnings.push({ pointer, code, message });
  }

  /** How many errors so far; a validator compares counts to learn whether its part failed. */
  get errorCount(): number {
    return this.errors.length;
  }
}

/** Findings ordered by pointer; findings on one pointer keep the order they were found in. */
export function sortByPointer<T extends { pointer: string }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

/**
 * A harmless value quoted for a message: JSON-escaped, so control characters cannot break a log
 * line or a terminal, and cut short so one long value cannot flood the answer.
 */
export function quote(value: string): string {
  const characters = [...value];
  if (characters.length <= MAX_ECHO_LENGTH) return JSON.stringify(value);
  return JSON.stringify(`${characters.slice(0, MAX_ECHO_LENGTH).join('')}…`);
}
