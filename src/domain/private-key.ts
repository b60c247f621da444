/**
 * Private keys have no place in a request: the service only forwards certificates and names.
 * A key that was pasted anyway must be refused without ever being repeated back.
 */
import { childPointer, isJsonObject } from './json-pointer.js';
import { PrivateKeyDetector } from './private-key-detector.js';
import type { ValidationReport } from './validation-report.js';

/** The advice given wherever a private key is found; it never quotes the key. */
export const PRIVATE_KEY_ADVICE =
  'Remove it: the service needs no private key. ' +
  'Treat the key as exposed: it has been sent over the network, so revoke and replace it.';

/** Where keys were found: values no other check may look at, and names no pointer may show. */
export interface PrivateKeyFindings {
  /** Pointers of strings holding a key, and of objects with a property named with one. */
  fields: Set<string>;
  /** Pointers of the properties whose names hold a key. */
  names: Set<string>;
}

/**
 * Reports every string (or property name) of the request that holds a private key. The PEM at
 * `pem` is reported with a message of its own but is not set aside: the bundle checks still run
 * on it, so that the caller learns everything else that is wrong with it too.
 */
export function reportPrivateKeys(
  input: unknown,
  pem: string | undefined,
  report: ValidationReport,
): PrivateKeyFindings {
  const detector = new PrivateKeyDetector();
  const found: PrivateKeyFindings = { fields: new Set(), names: new Set() };
  // An explicit stack, not recursion: a hostile body may nest deeper than the call stack.
  const pending: Array<[string, unknown]> = [['', input]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [pointer, value] = next;
    if (typeof value === 'string') {
      if (detector.holdsKey(value)) found.fields.add(pointer);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([childPointer(pointer, index), item]));
    } else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (!detector.holdsKey(key)) pending.push([childPointer(pointer, key), item]);
        else {
          found.fields.add(pointer);
          found.names.add(childPointer(pointer, key));
        }
      }
    }
  }
  for (const pointer of found.fields) {
    const what = pointer === pem ? 'The PEM' : 'This field';
    report.error(
      pointer,
      'PRIVATE_KEY_REJECTED',
      `${what} holds a private key. ${PRIVATE_KEY_ADVICE}`,
    );
  }
  if (pem !== undefined) found.fields.delete(pem);
  return found;
}
