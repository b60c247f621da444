/**
 * The secrets the client holds, and their removal from every text it hands out. TSM or CSP may
 * echo a request back in an error body (its `csp-auth-token` header, its form), and that body's
 * excerpt is stored and answered to callers.
 */
import { parseJson } from './error-excerpt.js';
import type { TsmFailure, TsmResult } from './types.js';

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Obtained access tokens still recognized; a TSM can echo one that was renewed since. */
const RECENT_ACCESS_TOKENS = 16;

// The alternatives cannot overlap (a character either opens an escape or not): linear time.
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/** Removes known secrets from text; each client has its own. */
export class SecretRedactor {
  // Private fields stay out of enumeration, so neither a log call nor JSON can reach them.
  readonly #lasting = new Set<string>();
  readonly #recent: string[] = [];
  #forms: string[] = [];

  /** A secret held for the client's whole life: the API token or a fixed access token. */
  keep(secret: string): void {
    if (secret === '') return;
    this.#lasting.add(secret);
    this.#refreshForms();
  }

  /** An access token obtained from CSP; only the most recent ones are kept. */
  remember(accessToken: string): void {
    if (accessToken === '' || this.#recent.includes(accessToken)) return;
    this.#recent.push(accessToken);
    if (this.#recent.length > RECENT_ACCESS_TOKENS) this.#recent.shift();
    this.#refreshForms();
  }

  /**
   * The text with every known secret, in any form it is likely echoed in, as [REDACTED]. JSON
   * stays JSON: a secret inside a string literal is replaced inside it.
   */
  redact(text: string): string {
    const forms = this.#forms;
    if (forms.length === 0) return text;
    return redactEscapedStrings(replaceForms(text, forms), forms);
  }

  /** The result with its failure's message and excerpt redacted. */
  redactResult<T>(result: TsmResult<T>): TsmResult<T> {
    if (result.ok) return result;
    return { ...result, failure: this.#redactFailure(result.failure) };
  }

  #redactFailure(failure: TsmFailure): TsmFailure {
    const message = this.redact(failure.message);
    if ('excerpt' in failure && failure.excerpt !== undefined) {
      return { ...failure, message, excerpt: this.redact(failure.excerpt) };
    }
    return { ...failure, message };
  }

  #refreshForms(): void {
    const secrets = [...this.#lasting, ...this.#recent];
    const forms = new Set(secrets.flatMap(formsOf));
    // Longest first, so that no shorter form leaves part of a longer one behind.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }
}

/** The secret as written literally, inside a JSON string, and URL- or form-encoded. */
function formsOf(secret: string): string[] {
  const inJson = JSON.stringify(secret).slice(1, -1);
  const inForm = new URLSearchParams({ s: secret }).toString().slice('s='.length);
  return [secret, inJson, inJson.replaceAll('/', '\\/'), encodeURIComponent(secret), inForm];
}

/**
 * JSON can spell a token with escapes (\u0061) that no literal form matches. Each string literal
 * with an escape is decoded on its own, which works on a cut body too and needs no recursion.
 */
function redactEscapedStrings(text: string, forms: readonly string[]): string {
  return text.replace(JSON_STRING, (literal) => {
    if (!literal.includes('\\')) return literal;
    const decoded = parseJson(literal);
    if (typeof decoded !== 'string') return literal;

    const scrubbed = replaceForms(decoded, forms);
    return scrubbed === decoded ? literal : JSON.stringify(scrubbed);
  });
}

function replaceForms(text: string, forms: readonly string[]): string {
  return forms.reduce((scrubbed, form) => scrubbed.split(form).join(REDACTED), text);
}
