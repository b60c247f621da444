/**
 * The characters that the Vault paths and the namespace may not hold. TSM puts these values into
 * the URLs of its requests to Vault, where "%" is decoded, "\" may be read as "/", "?" and "#"
 * end the path, and "." and ".." segments are resolved: each would make Vault act on a path
 * other than the one checked here, e.g. "pki/../sys/sign/x" reaches sys/.
 */
import { codePointOf, quote } from './validation-report.js';

const PRINTABLE_ASCII_WITHOUT_SPACE = /^[\x21-\x7e]*$/;
const OUTSIDE_PRINTABLE_ASCII = /[^\x21-\x7e]/u;
const URL_CHARACTER = /[%\\?#]/;

/** What a value holds that a Vault path may not, worded to follow the quoted value. */
export interface PathProblem {
  kind: 'characters' | 'urlCharacters' | 'dotSegment';
  problem: string;
}

/** The first reason `text` cannot be part of a Vault request URL, or undefined. */
export function findPathProblem(text: string): PathProblem | undefined {
  if (!PRINTABLE_ASCII_WITHOUT_SPACE.test(text)) {
    const [character = ''] = OUTSIDE_PRINTABLE_ASCII.exec(text) ?? [];
    const named = character === ' ' ? 'a space' : codePointOf(character);
    return { kind: 'characters', problem: `holds ${named}; use printable ASCII without spaces` };
  }
  const [urlCharacter] = URL_CHARACTER.exec(text) ?? [];
  if (urlCharacter !== undefined) return { kind: 'urlCharacters', problem: hint(urlCharacter) };
  if (text.split('/').some((segment) => segment === '.' || segment === '..')) {
    return {
      kind: 'dotSegment',
      problem:
        'holds a "." or ".." segment, which Vault resolves before it routes, so it would ' +
        'reach another path; name the path directly',
    };
  }
  return undefined;
}

function hint(character: string): string {
  if (character === '%') {
    return (
      'holds "%": Vault decodes percent-encoding, so it would act on another path than the ' +
      'one checked; write the characters themselves'
    );
  }
  if (character === '\\') return 'holds "\\", which URL parsers read as "/"; separate with "/"';
  return `holds ${quote(character)}, which ends the path of a URL; remove it and what follows`;
}
