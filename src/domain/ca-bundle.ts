/**
 * The PEM of a CA bundle, checked and normalized: only certificates, each a CA, valid now, every
 * intermediate chaining to a root of the bundle; re-encoded canonically, issuing CA first and
 * root last, LF line ends and one final newline. Only that text is ever sent to TSM.
 */
import {
  canonicalPem,
  decodeBlock,
  parseCertificate,
  summarize,
  type BundleCertificate,
} from './ca-certificate.js';
import { orderChains } from './certificate-chain.js';
import { checkCertificate } from './certificate-checks.js';
import type { CertificateSummary } from './normalized-integration.js';
import { readPemBlocks, type PemBlock, type PemChange } from './pem-text.js';
import { SignatureChecks } from './signature-checks.js';
import { quote, type ValidationReport } from './validation-report.js';
import type { ValidationWarningCode } from './validation-codes.js';

/** The most distinct certificates a bundle may hold. */
export const MAX_CERTIFICATES = 50;
// Enough to find them; a PEM of one certificate pasted hundreds of times need not list each.
const NAMED_DUPLICATES = 10;

/** A bundle ready for TSM: the canonical PEM and what it holds. */
export interface NormalizedCaBundle {
  pem: string;
  certificates: CertificateSummary[];
}

const CONVERT = ', or convert it to a plain certificate with openssl x509';

// One warning per kind of change, always in this order.
const CHANGE_WARNINGS: Array<[PemChange, ValidationWarningCode, string]> = [
  ['lineEnds', 'PEM_LINE_ENDINGS_NORMALIZED', 'Changed CRLF or CR line ends to LF.'],
  ['trailingWhitespace', 'PEM_TRAILING_WHITESPACE_REMOVED', 'Removed whitespace at line ends.'],
  ['indentation', 'PEM_INDENTATION_REMOVED', 'Removed the indentation of the PEM lines.'],
  ['finalNewline', 'PEM_FINAL_NEWLINE_ADDED', 'Added the missing final newline.'],
  ['textDropped', 'PEM_TEXT_DROPPED', 'Dropped the text outside the CERTIFICATE blocks.'],
  ['layout', 'PEM_LAYOUT_NORMALIZED', 'Removed blank lines and wrapped base64 at 64 columns.'],
];

/** Checks and normalizes the PEM of a CA bundle; undefined (with errors) when refused. */
export function normalizeCaBundlePem(
  text: string,
  now: Date,
  pointer: string,
  report: ValidationReport,
): NormalizedCaBundle | undefined {
  const read = readPemBlocks(text, pointer, report);
  if (read === undefined) return undefined;

  const errorsBefore = report.errorCount;
  const blocks = certificateBlocks(read.blocks, pointer, report);
  // Duplicates go before any parsing, so that neither the bound nor the work counts them.
  const { distinct, duplicates } = dropDuplicates(blocks);
  if (!withinBound(distinct.length, pointer, report)) return undefined;
  const signatures = new SignatureChecks(distinct.length);
  const parsed = distinct.map((block) => parseCertificate(block, pointer, report, signatures));
  if (parsed.some((certificate, index) => !hasCanonicalBody(certificate, distinct[index]))) {
    read.changes.add('layout');
  }
  reportChanges(read.changes, pointer, report);
  reportDuplicates(duplicates, pointer, report);
  const certificates = parsed.filter((certificate) => certificate !== undefined);
  certificates.forEach((certificate) => checkCertificate(certificate, now, pointer, report));
  // A certificate that did not parse may be the missing issuer: chains are judged only whole.
  const whole = certificates.length > 0 && certificates.length === distinct.length;
  const ordered = whole ? orderChains(certificates, signatures, pointer, report) : undefined;
  if (ordered === undefined || report.errorCount > errorsBefore) return undefined;

  reportReordering(certificates, ordered, pointer, report);
  return { pem: ordered.map(canonicalPem).join(''), certificates: ordered.map(summarize) };
}

function withinBound(count: number, pointer: string, report: ValidationReport): boolean {
  if (count <= MAX_CERTIFICATES) return true;
  report.error(
    pointer,
    'PEM_TOO_MANY_CERTIFICATES',
    `The PEM holds ${count} distinct certificates; at most ${MAX_CERTIFICATES} are accepted. ` +
      'Keep only the roots and intermediates of Vault.',
  );
  return false;
}

function certificateBlocks(blocks: PemBlock[], pointer: string, report: ValidationReport) {
  for (const block of blocks) {
    // Private keys were refused already, without quoting them; their blocks are skipped.
    if (block.label === 'CERTIFICATE' || block.label.includes('PRIVATE KEY')) continue;
    report.error(
      pointer,
      'PEM_BLOCK_NOT_CERTIFICATE',
      `Block ${block.position} is a ${quote(block.label)} block; only CERTIFICATE blocks ` +
        `belong in a CA bundle. Remove it${block.label === 'TRUSTED CERTIFICATE' ? CONVERT : ''}.`,
    );
  }
  const certificates = blocks.filter((block) => block.label === 'CERTIFICATE');
  if (certificates.length === 0) {
    report.error(
      pointer,
      'PEM_NO_CERTIFICATE',
      'The PEM holds no -----BEGIN CERTIFICATE----- ' +
        "block; give Vault's root and intermediate CA certificates in PEM form.",
    );
  }
  return certificates;
}

function hasCanonicalBody(
  certificate: BundleCertificate | undefined,
  block: PemBlock | undefined,
): boolean {
  if (certificate === undefined) return true;
  const body = canonicalPem(certificate).split('\n').slice(1, -2).join('\n');
  return block?.body === `\n${body}\n`;
}

/** The blocks without repeats (same DER, however wrapped), and what each dropped one repeats. */
function dropDuplicates(blocks: PemBlock[]) {
  const firstBy = new Map<string, PemBlock>();
  const duplicates: string[] = [];
  for (const block of blocks) {
    const identity = decodeBlock(block)?.toString('base64') ?? block.body.replace(/\s+/g, '');
    const original = firstBy.get(identity);
    if (original === undefined) firstBy.set(identity, block);
    else duplicates.push(`certificate ${block.position} (same as ${original.position})`);
  }
  return { distinct: [...firstBy.values()], duplicates };
}

function reportDuplicates(duplicates: string[], pointer: string, report: ValidationReport) {
  if (duplicates.length === 0) return;
  const named = duplicates.slice(0, NAMED_DUPLICATES).join(', ');
  const more = duplicates.length - NAMED_DUPLICATES;
  const rest = more > 0 ? ` and ${more} more` : '';
  report.warn(pointer, 'PEM_DUPLICATE_DROPPED', `Dropped duplicates: ${named}${rest}.`);
}

function reportChanges(changes: Set<PemChange>, pointer: string, report: ValidationReport) {
  for (const [change, code, message] of CHANGE_WARNINGS) {
    if (changes.has(change)) report.warn(pointer, code, message);
  }
}

function reportReordering(
  given: BundleCertificate[],
  ordered: BundleCertificate[],
  pointer: string,
  report: ValidationReport,
): void {
  if (ordered.every((certificate, index) => certificate === given[index])) return;
  const positions = ordered.map((certificate) => certificate.position).join(', ');
  report.warn(
    pointer,
    'PEM_REORDERED',
    'Reordered the certificates issuing CA first and root ' +
      `last, as TLS expects: now ${positions} (positions as given).`,
  );
}
