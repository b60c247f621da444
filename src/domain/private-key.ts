/**
 * Private keys have no place in a request: the service only forwards certificates and names.
 * A key that was pasted anyway must be refused without ever being repeated back.
 */
import { childPointer, isJsonObject } from './json-pointer.js';
import type { ValidationReport } from './validation-report.js';

// Covers PKCS#8, PKCS#1 (RSA), SEC1 (EC), DSA, ENCRYPTED, OPENSSH and the four-dash SSH2 form.
// Every repetition is bounded: this runs over any string of the body, hostile ones included.
const PRIVATE_KEY_ARMOR = /-{3}\s{0,8}BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY/i;

/** The advice given wherever a private key is found; it never quotes the key. */
export const PRIVATE_KEY_ADVICE =
  'Remove it: the service needs no private key. ' +
  'Treat the key as exposed: it has been sent over the network, so revoke and replace it.';

/** True when the text holds the armor line of a private key. */
export function containsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_ARMOR.test(text);
}

/**
 * Reports every string (or property name) of the request that holds a private key, except at
 * `exempt` (the PEM, which reports its own), and returns their pointers so that no other check
 * looks at those values again and risks quoting them.
 */
export function reportPrivateKeys(
  input: unknown,
  exempt: string | undefined,
  report: ValidationReport,
): Set<string> {
  const found = new Set<string>();
  // An explicit stack, not recursion: a hostile body may nest deeper than the call stack.
  const pending: Array<[string, unknown]> = [['', input]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [pointer, value] = next;
    if (typeof value === 'string') {
      if (pointer !== exempt && containsPrivateKey(value)) found.add(pointer);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([childPointer(pointer, index), item]));
    } else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (containsPrivateKey(key)) found.add(pointer);
        else pending.push([childPointer(pointer, key), item]);
      }
    }
  }
  for (const pointer of found) {
    report.error(
      pointer,
      'PRIVATE_KEY_REJECTED',
      `This field holds a private key. ${PRIVATE_KEY_ADVICE}`,
    );
  }
  return found;
}
