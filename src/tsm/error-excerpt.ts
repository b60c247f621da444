/**
 * What of an error body may be kept. The shape of TSM's error bodies is not documented, so no
 * field is assumed: a bounded, printable excerpt of the text, and a `message` when one is there.
 */

/** Largest excerpt kept, in UTF-8 bytes. */
export const EXCERPT_MAX_BYTES = 1024;

const MESSAGE_MAX_CHARACTERS = 300;

// Control and format characters could forge log lines or disguise text (bidi overrides).
const UNPRINTABLE = /[\p{Cc}\p{Cf}]+/gu;

/** The body text made printable and cut to at most EXCERPT_MAX_BYTES bytes. */
export function excerptOf(text: string): string {
  return truncateUtf8(printable(text), EXCERPT_MAX_BYTES);
}

/** The `message` of a JSON error body, when it has a non-empty string one. */
export function messageOf(text: string): string | undefined {
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null || !('message' in parsed)) return undefined;
  if (typeof parsed.message !== 'string') return undefined;

  const message = printable(parsed.message).slice(0, MESSAGE_MAX_CHARACTERS);
  return message === '' ? undefined : message;
}

/** The text parsed as JSON; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function printable(text: string): string {
  return text.replace(UNPRINTABLE, ' ').trim();
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;

  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
