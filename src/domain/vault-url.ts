/**
 * The Vault URL of the external account. TSM appends /v1/... itself and needs to know the port,
 * so the only accepted form is scheme://host:port. The URL is never quoted back: it may carry
 * credentials, and only its host is repeated in hints.
 */
import { RANGE_MEANINGS, unroutableRangeOfHost } from './unroutable-address.js';
import { checkHost } from './vault-url-host.js';
import { quote, type ValidationReport } from './validation-report.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/;
const VAULT_DEFAULT_PORT = 8200;
// Hints name the host as a placeholder when the one given is refused.
const HOST_PLACEHOLDER = '<host>';
const WRITE = 'write https://<host>:<port>.';

/** What the service allows: http (ALLOW_HTTP_VAULT) and loopback (VAULT_ALLOW_LOOPBACK) hosts. */
export interface VaultUrlOptions {
  allowHttp: boolean;
  allowLoopback: boolean;
}

/** The raw parts of the URL text, taken before WHATWG parsing hides an explicit :443. */
interface RawParts {
  scheme: string;
  userInfo: boolean;
  host: string;
  port: string | undefined;
  path: string;
  query: boolean;
  fragment: boolean;
}

/** Checks the Vault URL; returns scheme://host:port with the host in lower case. */
export function normalizeVaultUrl(
  text: string,
  pointer: string,
  options: VaultUrlOptions,
  report: ValidationReport,
): string | undefined {
  const parts = readParts(text, pointer, options, report);
  if (parts === undefined) return undefined;

  const { raw, host } = parts;
  const errorsBefore = report.errorCount;
  // Hints show the form to use: https whenever the scheme given is refused.
  const scheme = checkScheme(raw.scheme, options.allowHttp, pointer, report);
  if (raw.userInfo) {
    report.error(
      pointer,
      'VAULT_URL_CREDENTIALS',
      'Remove the user name and password from the Vault URL: TSM logs in with the ' +
        'Kubernetes service account, and a URL is no place for credentials.',
    );
  }
  const hintHost = host ?? HOST_PLACEHOLDER;
  const port = checkPort(raw, `${scheme}://${hintHost}`, pointer, report);
  checkRest(raw, `${scheme}://${hintHost}:${port ?? VAULT_DEFAULT_PORT}`, pointer, report);
  if (report.errorCount > errorsBefore || port === undefined || host === undefined) {
    return undefined;
  }
  return `${raw.scheme}://${host}:${port}`;
}

/** The raw parts and the host to use (undefined when refused), when the URL parses. */
function readParts(
  text: string,
  pointer: string,
  options: VaultUrlOptions,
  report: ValidationReport,
) {
  if (text.includes('\\')) {
    report.error(
      pointer,
      'VAULT_URL_BACKSLASH',
      'Remove the backslash from the Vault URL: URL parsers read "\\" as "/", so the host ' +
        'reached could be another than the one written. Write https://<host>:<port>.',
    );
    return undefined;
  }
  const raw = splitRaw(text);
  if (raw === undefined) {
    report.error(
      pointer,
      'VAULT_URL_SCHEME',
      'Start the Vault URL with https://, e.g. https://vault.example.internal:8200.',
    );
    return undefined;
  }
  if (raw.host === '') {
    report.error(pointer, 'VAULT_URL_HOST_REQUIRED', `The Vault URL has no host; ${WRITE}`);
    return undefined;
  }
  const parsed = URL.canParse(text) ? new URL(text).hostname : undefined;
  const errorsBefore = report.errorCount;
  const canonical = checkHost({ written: raw.host, parsed }, pointer, report);
  const host =
    canonical === undefined ? undefined : checkRoutable(canonical, options, pointer, report);
  // A refused host is reported on its own; the rest of the URL is still checked.
  if (report.errorCount > errorsBefore) return { raw, host: undefined };
  if (parsed === undefined) {
    report.error(pointer, 'VAULT_URL_INVALID', `The Vault URL is not a valid URL; ${WRITE}`);
    return undefined;
  }
  return { raw, host };
}

/** The host, or undefined (with an error) when the clusters could never reach Vault there. */
function checkRoutable(
  host: string,
  options: VaultUrlOptions,
  pointer: string,
  report: ValidationReport,
): string | undefined {
  const range = unroutableRangeOfHost(host, options);
  if (range === undefined) return host;
  const lift =
    range === 'loopback'
      ? ' (a test Vault on this machine needs VAULT_ALLOW_LOOPBACK=true on this service)'
      : '';
  report.error(
    pointer,
    'VAULT_URL_HOST_NOT_ROUTABLE',
    `The Vault URL host ${quote(host)} is ${RANGE_MEANINGS[range]}: the clusters of the mesh ` +
      'reach Vault at this address, so it can never be Vault for them. Give an address or DNS ' +
      `name the clusters route to Vault; private addresses are fine${lift}.`,
  );
  return undefined;
}

function splitRaw(text: string): RawParts | undefined {
  const scheme = SCHEME.exec(text);
  if (scheme === null) return undefined;

  const rest = text.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  const hostPort = HOST_AND_PORT.exec(authority.slice(at + 1));
  const fragmentAt = tail.indexOf('#');
  const beforeFragment = fragmentAt < 0 ? tail : tail.slice(0, fragmentAt);
  const queryAt = beforeFragment.indexOf('?');
  return {
    scheme: (scheme[1] ?? '').toLowerCase(),
    userInfo: at >= 0,
    host: hostPort?.[1] ?? authority.slice(at + 1),
    port: hostPort === null ? '' : hostPort[2],
    path: queryAt < 0 ? beforeFragment : beforeFragment.slice(0, queryAt),
    query: queryAt >= 0,
    fragment: fragmentAt >= 0,
  };
}

/** Reports a scheme that is not usable; returns the scheme that hints should show. */
function checkScheme(
  scheme: string,
  allowHttp: boolean,
  pointer: string,
  report: ValidationReport,
) {
  if (scheme === 'https') return scheme;
  if (scheme === 'http' && allowHttp) {
    report.warn(
      pointer,
      'VAULT_URL_NOT_TLS',
      'The Vault URL uses http://, which this service allows (ALLOW_HTTP_VAULT=true), so TSM ' +
        'reaches Vault without TLS: its login and every certificate cross the network in clear ' +
        'text. Use https:// outside a test setup.',
    );
    return scheme;
  }
  const hint =
    scheme === 'http'
      ? 'Vault must be reached over TLS: use https:// ' +
        '(this service refuses http:// unless ALLOW_HTTP_VAULT=true).'
      : 'Use https://.';
  report.error(
    pointer,
    'VAULT_URL_SCHEME',
    `The Vault URL scheme ${quote(scheme)} is not usable. ${hint}`,
  );
  return 'https';
}

function checkPort(raw: RawParts, origin: string, pointer: string, report: ValidationReport) {
  const port = raw.port === undefined || raw.port === '' ? undefined : Number(raw.port);
  if (port === undefined || port < 1 || port > 65535) {
    report.error(
      pointer,
      'VAULT_URL_PORT_REQUIRED',
      `Give the port of Vault explicitly (1 to 65535), e.g. ${origin}:8200 ` +
        '(Vault listens on 8200 by default).',
    );
    return undefined;
  }
  if (raw.port !== String(port)) {
    report.warn(
      pointer,
      'VAULT_URL_PORT_NORMALIZED',
      `Removed the leading zeros of the port ${quote(raw.port ?? '')}: ${port}.`,
    );
  }
  return port;
}

function checkRest(raw: RawParts, origin: string, pointer: string, report: ValidationReport) {
  if (raw.query) {
    report.error(pointer, 'VAULT_URL_QUERY', `Remove the query ("?..."): use ${origin}.`);
  }
  if (raw.fragment) {
    report.error(pointer, 'VAULT_URL_FRAGMENT', `Remove the fragment ("#..."): use ${origin}.`);
  }
  if (raw.path === '') return;
  if (raw.path === '/') {
    report.warn(
      pointer,
      'VAULT_URL_TRAILING_SLASH_REMOVED',
      `Removed the trailing "/": ${origin}.`,
    );
  } else if (/^\/v1(?:\/|$)/i.test(raw.path)) {
    report.error(
      pointer,
      'VAULT_URL_V1_PATH',
      `Remove ${quote(raw.path)}: TSM adds /v1 itself. Use ${origin}.`,
    );
  } else {
    report.error(
      pointer,
      'VAULT_URL_PATH',
      `Remove the path ${quote(raw.path)}: ` +
        `the Vault URL is only scheme, host and port, e.g. ${origin}.`,
    );
  }
}
