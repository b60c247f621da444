/**
 * Recognizing a private key in any text of a request: its armor (behind ASCII or Unicode
 * dashes), or, without armor, a run of base64 that decodes to an armored key, to an
 * OpenSSH key, or to DER that node:crypto accepts as a PKCS#8, PKCS#1 or SEC1 private key.
 */
import { createPrivateKey } from 'node:crypto';

// PKCS#8, PKCS#1 (RSA), SEC1 (EC), DSA, ENCRYPTED, OPENSSH and the SSH2 form, behind ASCII
// hyphens, Unicode dashes or a minus sign (word processors turn "--" into an em dash). Every
// repetition is bounded: this runs over any string of the body, hostile ones included.
const ARMOR = /[\p{Pd}\u2212]\s{0,8}BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY/iu;
const OPENSSH_MAGIC = 'openssh-key-v1\0';
// Base64 with whitespace inside, as a pasted PEM body has; "=" ends a run, as padding does.
// Node's base64 decoder skips the whitespace itself, which spares a copy of the run without it.
const BASE64_RUN = /[A-Za-z0-9+/\t\n\v\f\r ]+={0,2}/g;
const MIN_BASE64_CHARACTERS = 40;
const SPACE = 0x20;
// From the smallest key DER (Ed25519 in PKCS#8, 48 bytes) to beyond a 16384-bit RSA key.
const MIN_DER_BYTES = 48;
const MAX_DER_BYTES = 16 * 1024;
// A request holds a handful of strings, and a plausible DER header in them is rare, so honest
// requests stay far below this; only a caller hiding their own key on purpose can reach it.
const MAX_DECODE_ATTEMPTS = 256;
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

type DerKeyType = 'pkcs8' | 'pkcs1' | 'sec1';

/** Finds private keys in the texts of one request, within a bound on the decoding work. */
export class PrivateKeyDetector {
  private attemptsLeft = MAX_DECODE_ATTEMPTS;

  /** True when the text holds a private key, armored or as bare base64. */
  holdsKey(text: string): boolean {
    return ARMOR.test(text) || this.holdsEncodedKey(text);
  }

  private holdsEncodedKey(text: string): boolean {
    if (text.length < MIN_BASE64_CHARACTERS) return false;
    for (const [run] of text.matchAll(BASE64_RUN)) {
      if (run.length < MIN_BASE64_CHARACTERS) continue;
      // Base64 decodes in groups of four characters, so decoding from each of the first four
      // characters puts every possible start of a key on a byte boundary of one of the results.
      for (let shift = 0, start = 0; shift < 4; shift += 1, start = pastNextCharacter(run, start)) {
        const bytes = Buffer.from(run.slice(start), 'base64');
        if (bytes.length * 4 < MIN_BASE64_CHARACTERS * 3) break;
        if (this.decodesToKey(bytes)) return true;
      }
    }
    return false;
  }

  private decodesToKey(bytes: Buffer): boolean {
    if (bytes.includes(OPENSSH_MAGIC)) return true;
    if (bytes.includes('BEGIN') && ARMOR.test(bytes.toString('utf8'))) return true;
    for (let at = bytes.indexOf(SEQUENCE); at >= 0; at = bytes.indexOf(SEQUENCE, at + 1)) {
      const candidate = derKeyAt(bytes, at);
      if (candidate !== undefined && this.isPrivateKey(candidate.der, candidate.type)) return true;
    }
    return false;
  }

  private isPrivateKey(der: Buffer, type: DerKeyType): boolean {
    if (this.attemptsLeft === 0) return false;
    this.attemptsLeft -= 1;
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return true;
    } catch {
      return false;
    }
  }
}

/** The index just past the first base64 character of the run at or after `from`. */
function pastNextCharacter(run: string, from: number): number {
  let index = from;
  while (index < run.length && run.charCodeAt(index) <= SPACE) index += 1;
  return index + 1;
}

/** The DER at `at` when its first bytes have the shape of a private key structure. */
function derKeyAt(bytes: Buffer, at: number): { der: Buffer; type: DerKeyType } | undefined {
  const header = lengthHeader(bytes, at + 1);
  if (header === undefined) return undefined;
  const end = at + 1 + header.size + header.length;
  if (end - at < MIN_DER_BYTES || end - at > MAX_DER_BYTES || end > bytes.length) return undefined;

  // Every one of the three starts with a one-byte INTEGER version; what follows tells them apart.
  const version = at + 1 + header.size;
  if (bytes[version] !== INTEGER || bytes[version + 1] !== 1) return undefined;
  const type = typeAfterVersion(bytes[version + 2], bytes[version + 3]);
  return type === undefined ? undefined : { der: bytes.subarray(at, end), type };
}

function typeAfterVersion(version: number | undefined, next: number | undefined) {
  if (next === SEQUENCE && (version === 0 || version === 1)) return 'pkcs8';
  if (next === INTEGER && version === 0) return 'pkcs1';
  if (next === OCTET_STRING && version === 1) return 'sec1';
  return undefined;
}

function lengthHeader(bytes: Buffer, at: number): { size: number; length: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { size: 1, length: first };
  // Two length bytes reach 64 KiB, well past the largest key; longer forms are not keys here.
  const size = first === 0x81 ? 1 : first === 0x82 ? 2 : 0;
  if (size === 0 || at + size >= bytes.length) return undefined;
  return { size: size + 1, length: bytes.readUIntBE(at + 1, size) };
}
