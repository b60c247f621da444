/**
 * Reading the fields of one request section for the semantic checks. A field is only handed on
 * when it is structurally fine (a string) and holds no private key; single-line fields are
 * trimmed (with a warning) and refused when they hold control or invisible format characters.
 */
import { childPointer, isJsonObject } from './json-pointer.js';
import { codePointOf, type ValidationReport } from './validation-report.js';

// C0 and C1 control characters, DEL included; line ends are only welcome in the PEM.
const CONTROL_CHARACTER = /\p{Cc}/u;
// Format characters (bidi overrides, zero-width joiners and spaces, tag characters) make a value
// read differently from what it is; a lone surrogate is not text at all.
const FORMAT_CHARACTER = /[\p{Cf}\p{Cs}]/u;

/** The string fields of one section of the request, read with the house rules. */
export class SectionReader {
  private readonly fields: Record<string, unknown> | undefined;

  constructor(
    section: unknown,
    readonly pointer: string,
    private readonly report: ValidationReport,
    private readonly privateKeyPointers: ReadonlySet<string>,
  ) {
    this.fields = isJsonObject(section) ? section : undefined;
  }

  /** The pointer of one field of this section. */
  pointerOf(key: string): string {
    return childPointer(this.pointer, key);
  }

  /** True when the section has the field, whatever its value. */
  has(key: string): boolean {
    return this.fields !== undefined && Object.hasOwn(this.fields, key);
  }

  /** The field as given, when it is a string without a private key. */
  raw(key: string): string | undefined {
    if (this.fields === undefined || !Object.hasOwn(this.fields, key)) return undefined;
    const value = this.fields[key];
    if (typeof value !== 'string' || this.privateKeyPointers.has(this.pointerOf(key))) {
      return undefined;
    }
    return value;
  }

  /** A single-line field, trimmed; undefined when absent, not a string, or refused. */
  text(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;

    const pointer = this.pointerOf(key);
    const trimmed = value.trim();
    if (CONTROL_CHARACTER.test(trimmed)) {
      this.report.error(
        pointer,
        'FIELD_CONTROL_CHARACTERS',
        `${key} holds control characters (a line break, tab or similar); remove them.`,
      );
      return undefined;
    }
    const format = FORMAT_CHARACTER.exec(trimmed);
    if (format !== null) {
      this.report.error(
        pointer,
        'FIELD_FORMAT_CHARACTERS',
        `${key} holds the invisible character ${codePointOf(format[0])} (a bidi control, ` +
          'zero-width character or lone surrogate), which makes it read as something it is ' +
          'not; remove it.',
      );
      return undefined;
    }
    if (trimmed !== value) {
      this.report.warn(
        pointer,
        'FIELD_WHITESPACE_TRIMMED',
        `Removed the whitespace around ${key}.`,
      );
    }
    return trimmed;
  }
}
