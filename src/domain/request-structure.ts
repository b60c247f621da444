/**
 * Structural checks of a request against its TypeBox schema, turned into findings with stable
 * codes and messages of our own (TypeBox's wording is not part of the API).
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { IntegrationRequest } from './integration-request.js';
import { isJsonObject, lastToken } from './json-pointer.js';
import type { ValidationErrorCode } from './validation-codes.js';
import { quote, type ValidationReport } from './validation-report.js';

const compiledRequest = TypeCompiler.Compile(IntegrationRequest);

// TypeBox reports a missing field twice (missing, and not a string); the first kind wins.
const PRECEDENCE: ValidationErrorCode[] = [
  'FIELD_REQUIRED',
  'UNKNOWN_FIELD',
  'INVALID_VALUE',
  'FIELD_TYPE',
];

/**
 * Reports every structural problem of a request body that is a JSON object, except under the
 * properties in `keyNames`, whose names hold a private key that no pointer may repeat.
 */
export function reportStructureErrors(
  input: Record<string, unknown>,
  keyNames: ReadonlySet<string>,
  report: ValidationReport,
) {
  const chosen = new Map<string, { code: ValidationErrorCode; error: ValueError }>();
  for (const error of compiledRequest.Errors(input)) {
    const code = codeOf(error);
    const earlier = chosen.get(error.path);
    if (earlier === undefined || PRECEDENCE.indexOf(code) < PRECEDENCE.indexOf(earlier.code)) {
      chosen.set(error.path, { code, error });
    }
  }
  for (const [pointer, { code, error }] of chosen) {
    // A property named with key text is reported by the private-key scan, at its parent.
    if (isUnder(pointer, keyNames)) continue;
    report.error(pointer, code, messageOf(code, error));
  }
}

function isUnder(pointer: string, keyNames: ReadonlySet<string>): boolean {
  for (const name of keyNames) {
    if (pointer === name || pointer.startsWith(`${name}/`)) return true;
  }
  return false;
}

function codeOf(error: ValueError): ValidationErrorCode {
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'FIELD_REQUIRED';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'UNKNOWN_FIELD';
    case ValueErrorType.Union:
    case ValueErrorType.Literal:
      return 'INVALID_VALUE';
    default:
      return 'FIELD_TYPE';
  }
}

function messageOf(code: ValidationErrorCode, error: ValueError): string {
  const field = lastToken(error.path);
  switch (code) {
    case 'FIELD_REQUIRED':
      return `Add the field ${field}.${describe(error.schema)}`;
    case 'UNKNOWN_FIELD':
      return `${quote(field)} is not a field here; remove it. Known: ${known(error.schema)}.`;
    case 'INVALID_VALUE':
      return `${field} must be one of ${allowed(error.schema)}.`;
    default:
      return `${field} must be ${expected(error.schema)}, not ${jsonType(error.value)}.`;
  }
}

function describe(schema: TSchema): string {
  return typeof schema.description === 'string' ? ` ${schema.description}` : '';
}

function known(schema: TSchema): string {
  const properties: unknown = schema.properties;
  return isJsonObject(properties) ? Object.keys(properties).join(', ') : '(none)';
}

function allowed(schema: TSchema): string {
  const options: unknown = schema.anyOf;
  if (!Array.isArray(options)) return 'the documented values';
  return options
    .map((option: unknown) => (isJsonObject(option) ? JSON.stringify(option.const) : '?'))
    .join(' or ');
}

function expected(schema: TSchema): string {
  if (schema.type === 'object') return 'a JSON object';
  if (schema.type === 'string') return 'a string';
  return typeof schema.type === 'string' ? `of type ${schema.type}` : 'of the documented type';
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
