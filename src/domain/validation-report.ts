/**
 * Where validators put what they find. Every validator gets the same report, so one pass over a
 * request collects every error and warning at once instead of stopping at the first. A hostile
 * request can hold thousands of mistakes, so an answer lists at most MAX_FINDINGS of each kind
 * and says how many more there were.
 */
import type { FieldError, Warning } from './findings.js';
import type { ValidationErrorCode, ValidationWarningCode } from './validation-codes.js';

/** The most errors, and the most warnings, that one answer lists. */
const MAX_FINDINGS = 100;

const MAX_ECHO_LENGTH = 80;
// Far more than 80 characters can show even when runs are elided; spares spreading a huge value.
const QUOTE_WINDOW = 4096;
// Controls, format characters (bidi overrides, zero-width), lone surrogates, private use,
// unassigned code points and every separator but the plain space: all invisible or misleading.
const UNPRINTABLE = /[\p{C}\p{Z}]/gu;
// Long runs of base64 may be key material or a token; mixed classes spare ordinary words.
const BASE64_RUN = /[A-Za-z0-9+/=_-]{40,}/g;

/** The findings of one validation run, in the order they were found. */
export class ValidationReport {
  private readonly errorList: FieldError[] = [];
  private readonly warningList: Warning[] = [];
  private errorsLeftOut = 0;
  private warningsLeftOut = 0;

  /** Records a problem that rejects the request. */
  error(pointer: string, code: ValidationErrorCode, message: string): void {
    if (this.errorList.length < MAX_FINDINGS) this.errorList.push({ pointer, code, message });
    else this.errorsLeftOut += 1;
  }

  /** Records a change or remark that lets the request through. */
  warn(pointer: string, code: ValidationWarningCode, message: string): void {
    if (this.warningList.length < MAX_FINDINGS) this.warningList.push({ pointer, code, message });
    else this.warningsLeftOut += 1;
  }

  /** How many errors so far, listed or not; validators compare counts to learn if theirs failed. */
  get errorCount(): number {
    return this.errorList.length + this.errorsLeftOut;
  }

  /** The errors to answer with, by pointer, and last one that counts those left out. */
  listErrors(): FieldError[] {
    const last = {
      pointer: '',
      code: 'TOO_MANY_ERRORS' satisfies ValidationErrorCode,
      message: `${more(this.errorsLeftOut, 'error')}; fix the ones listed and send again.`,
    };
    return withCount(this.errorList, this.errorsLeftOut, last);
  }

  /** The warnings to answer with, by pointer, and last one that counts those left out. */
  listWarnings(): Warning[] {
    const last = {
      pointer: '',
      code: 'TOO_MANY_WARNINGS' satisfies ValidationWarningCode,
      message: `${more(this.warningsLeftOut, 'warning')}.`,
    };
    return withCount(this.warningList, this.warningsLeftOut, last);
  }
}

function withCount<T extends { pointer: string }>(listed: T[], leftOut: number, last: T): T[] {
  const sorted = sortByPointer(listed);
  return leftOut === 0 ? sorted : [...sorted, last];
}

function more(count: number, kind: string): string {
  const found = count === 1 ? `1 more ${kind} was` : `${count} more ${kind}s were`;
  return `${found} found and left out of this answer`;
}

/** Findings ordered by pointer; findings on one pointer keep the order they were found in. */
function sortByPointer<T extends { pointer: string }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

/**
 * A harmless value quoted for a message: long base64-looking runs elided (they may be secrets),
 * cut short so one long value cannot flood the answer, and JSON-escaped with every invisible
 * character written as \uXXXX, so nothing can break a log line or disguise itself on a screen.
 */
export function quote(value: string): string {
  const window = value.length > QUOTE_WINDOW ? value.slice(0, QUOTE_WINDOW) : value;
  const characters = [...window.replace(BASE64_RUN, elideSecretLooking)];
  const shown =
    characters.length <= MAX_ECHO_LENGTH && window === value
      ? characters.join('')
      : `${characters.slice(0, MAX_ECHO_LENGTH).join('')}…`;
  return JSON.stringify(shown).replace(UNPRINTABLE, escapeUnprintable);
}

/** How messages name a character without showing it, e.g. U+202E. */
export function codePointOf(character: string): string {
  const point = character.codePointAt(0) ?? 0;
  return `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
}

function elideSecretLooking(run: string): string {
  const mixed = /[0-9]/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run);
  return mixed ? '[base64 elided]' : run;
}

function escapeUnprintable(character: string): string {
  if (character === ' ') return character;
  let escaped = '';
  for (let index = 0; index < character.length; index += 1) {
    escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
  }
  return escaped;
}
