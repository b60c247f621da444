/**
 * What the route schemas found wrong in a query string or path, one entry per parameter. ajv
 * reports a union of literals as one error per branch plus one for the union; a caller needs
 * one sentence saying what to send instead, so the issues are grouped by where they point.
 */
import type { FastifySchemaValidationError } from 'fastify';
import { childPointer } from '../domain/json-pointer.js';
import { PrivateKeyDetector } from '../domain/private-key-detector.js';

/** One error entry of a VALIDATION_FAILED answer. */
export interface ParameterError {
  pointer: string;
  code: string;
  message: string;
  in: string | undefined;
}

/** The codes of schema keywords that say more than INVALID_VALUE, as in the body's registry. */
const KEYWORD_CODES: Record<string, string> = {
  required: 'FIELD_REQUIRED',
  additionalProperties: 'UNKNOWN_FIELD',
};

const NOT_A_PARAMETER = 'is not a parameter of this route.';

/** The entry for a query parameter the route does not have, as the route schemas word it. */
export function unknownQueryParameter(name: string): ParameterError {
  const pointer = childPointer('', shownName(name, new PrivateKeyDetector()));
  return {
    pointer,
    code: 'UNKNOWN_FIELD',
    message: `querystring ${pointer} ${NOT_A_PARAMETER}`,
    in: 'querystring',
  };
}

/**
 * A parameter name as an answer repeats it: as sent, unless it holds a private key. A query
 * string is decoded before its names are read, so a key pasted as a name arrives whole; the
 * detector also knows mangled armor and bare base64, which the answer's block scrub does not.
 */
function shownName(name: string, detector: PrivateKeyDetector): string {
  return detector.holdsKey(name) ? '[REDACTED]' : name;
}

/** A time whose offset sign is a space: what a + sent raw in a URL becomes once decoded. */
const OFFSET_SIGN_AS_SPACE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}(:?\d{2})?$/;

/** The hint for a value whose + was read as a space, or nothing. */
function plusReadAsSpace(issue: FastifySchemaValidationError): string {
  const value = (issue as { data?: unknown }).data;
  if (typeof value !== 'string' || !OFFSET_SIGN_AS_SPACE.test(value)) return '';
  return (
    'It holds a space where an offset sign would be: a + in a URL is read as a space; ' +
    'write it as %2B. '
  );
}

/** Keywords that only restate their branches' errors. */
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf']);

/** One entry per parameter, saying what it must be. */
export function parameterErrors(
  issues: readonly FastifySchemaValidationError[],
  context: string | undefined,
): ParameterError[] {
  const byPointer = new Map<string, FastifySchemaValidationError[]>();
  const detector = new PrivateKeyDetector();
  for (const issue of issues) {
    const pointer = pointerOf(issue, detector);
    byPointer.set(pointer, [...(byPointer.get(pointer) ?? []), issue]);
  }
  return [...byPointer].map(([pointer, group]) => {
    const first = group.find((issue) => !SUMMARY_KEYWORDS.has(issue.keyword)) ?? group[0]!;
    return {
      pointer,
      code: KEYWORD_CODES[first.keyword] ?? 'INVALID_VALUE',
      message: `${context ?? 'request'} ${pointer} ${problemOf(group, first)}`
        .replace(/\s+/g, ' ')
        .trim(),
      in: context,
    };
  });
}

function pointerOf(issue: FastifySchemaValidationError, detector: PrivateKeyDetector): string {
  const member: unknown = issue.params.missingProperty ?? issue.params.additionalProperty;
  // ajv escapes instancePath already; a parameter's name is escaped here (?a/b=1 is /a~1b).
  if (typeof member !== 'string') return issue.instancePath;
  return childPointer(issue.instancePath, shownName(member, detector));
}

function problemOf(
  group: FastifySchemaValidationError[],
  first: FastifySchemaValidationError,
): string {
  if (first.keyword === 'additionalProperties') return NOT_A_PARAMETER;
  const allowed = allowedValues(group);
  if (allowed.length > 0) return `must be one of: ${allowed.join(', ')}.`;
  // A pattern says nothing to a reader; the parameter's description says what to send.
  const description = descriptionOf(first);
  if (first.keyword === 'pattern' && description !== undefined) {
    return `is not in the expected form. ${plusReadAsSpace(first)}${description}`;
  }
  return first.message ?? 'is not valid.';
}

/** The values a union of literals (or an enum) allows, in the schema's order. */
function allowedValues(group: FastifySchemaValidationError[]): string[] {
  const values = group.flatMap((issue): unknown[] => {
    if (issue.keyword === 'const') return [issue.params.allowedValue];
    if (issue.keyword === 'enum')
      return (issue.params.allowedValues as unknown[] | undefined) ?? [];
    return [];
  });
  return [...new Set(values.map(String))];
}

/** The description of the failing schema; ajv gives it because the app asks for verbose errors. */
function descriptionOf(issue: FastifySchemaValidationError): string | undefined {
  const parent = (issue as { parentSchema?: { description?: unknown } }).parentSchema;
  return typeof parent?.description === 'string' ? parent.description : undefined;
}
