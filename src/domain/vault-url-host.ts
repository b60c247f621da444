/**
 * The host of the Vault URL, which a URL parser may rewrite: IDNA maps non-ASCII letters to
 * punycode (a Cyrillic "а" makes "vаult" another host), "%2e" and "。" become dots, and
 * "0x7f.1", "127.1" or "2130706433" become 127.0.0.1. TSM must reach the host the caller meant,
 * so rewrites that can change which host that is are refused; harmless ones are reported.
 */
import { quote, type ValidationReport } from './validation-report.js';

// Control characters never get here: every single-line field is refused for them first.
const NON_ASCII_OR_PERCENT = /[^\x20-\x7e]|%/;
const DOTTED_DECIMAL_IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// DNS limits (RFC 1035): a name TSM's resolver cannot look up would only fail at its first call.
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;

/** The host as written and as the URL parser gives it (lower case, IPv6 in brackets). */
export interface HostForms {
  written: string;
  parsed: string | undefined;
}

/** The host to send to TSM; undefined (with an error) when the parser's rewrite is refused. */
export function checkHost(
  { written, parsed }: HostForms,
  pointer: string,
  report: ValidationReport,
): string | undefined {
  if (NON_ASCII_OR_PERCENT.test(written)) {
    report.error(pointer, 'VAULT_URL_HOST_CHARACTERS', charactersMessage(written, parsed));
    return undefined;
  }
  if (parsed === undefined) return undefined;
  if (!isResolvableName(parsed)) {
    report.error(pointer, 'VAULT_URL_HOST_LABELS', labelsMessage(parsed));
    return undefined;
  }
  if (parsed === written.toLowerCase()) return parsed;
  if (DOTTED_DECIMAL_IPV4.test(parsed)) {
    report.error(
      pointer,
      'VAULT_URL_HOST_AMBIGUOUS',
      `${quote(written)} is an IPv4 address in a short, octal or hex form, which parsers ` +
        `read differently (this one as ${parsed}); write all four decimal numbers, e.g. ` +
        `${parsed}, if that is the address meant.`,
    );
    return undefined;
  }
  report.warn(
    pointer,
    'VAULT_URL_HOST_NORMALIZED',
    `Rewrote the host ${quote(written)} in its canonical form, ${quote(parsed)}.`,
  );
  return parsed;
}

/**
 * Whether DNS can look the host up: no empty label, none over 63 characters, at most 253 in
 * all, and no label that starts or ends with "-" (RFC 1123; resolvers and TLS libraries refuse
 * such names, and "-vault" reads like an option on a command line). A single trailing dot (a
 * fully qualified name) is the root's empty label and is allowed. Underscores stay allowed
 * (service names such as _vault._tcp use them) and so do IDN labels, which start with "xn--".
 */
function isResolvableName(host: string): boolean {
  if (host.startsWith('[')) return true;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  return (
    name.length <= MAX_NAME_LENGTH &&
    labels.every((label) => label.length > 0 && label.length <= MAX_LABEL_LENGTH) &&
    hyphenEdgedLabel(name) === undefined
  );
}

function hyphenEdgedLabel(name: string): string | undefined {
  return name.split('.').find((label) => label.startsWith('-') || label.endsWith('-'));
}

function labelsMessage(host: string): string {
  const hyphenEdged = hyphenEdgedLabel(host.replace(/\.$/, ''));
  const culprit =
    hyphenEdged === undefined ? '' : ` Here the label ${quote(hyphenEdged)} is at fault.`;
  return (
    `The host ${quote(host)} (${host.length} characters) of the Vault URL is not a name DNS ` +
    `can resolve: write it with no empty label (as in ".." or a leading "."), no label that ` +
    `starts or ends with "-", each label at most ${MAX_LABEL_LENGTH} characters, and the ` +
    `whole name at most ${MAX_NAME_LENGTH}.${culprit}`
  );
}

function charactersMessage(written: string, parsed: string | undefined): string {
  if (written.includes('%')) {
    return (
      'The host of the Vault URL holds "%": URL parsers decode it, so the host reached would ' +
      'not be the one written. Write the host without percent-encoding.'
    );
  }
  const rewritten = parsed === undefined ? '' : ` (a URL parser reads it as ${quote(parsed)})`;
  return (
    `The host ${quote(written)} holds non-ASCII characters${rewritten}, and a look-alike ` +
    'letter would send TSM to another host. Write the host in ASCII; for an internationalized ' +
    'domain name, give its xn-- form.'
  );
}
