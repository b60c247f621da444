/**
 * The registry of every code a validation finding can carry, with its severity and meaning.
 * Callers branch on these codes; the README and the OpenAPI document list them from here.
 */

/** Whether a finding rejects the request or only accompanies it. */
export type ValidationSeverity = 'error' | 'warning';

const error = <D extends string>(description: D) => ({ severity: 'error', description }) as const;
const warning = <D extends string>(description: D) =>
  ({ severity: 'warning', description }) as const;

/** Every validation code, with its severity and a one-line description. */
export const VALIDATION_CODES = {
  BODY_NOT_OBJECT: error('The body is not a JSON object.'),
  TOO_MANY_ERRORS: error('More errors were found than one answer lists; the last one counts them.'),
  TOO_MANY_WARNINGS: warning(
    'More warnings were found than one answer lists; the last counts them.',
  ),
  FIELD_REQUIRED: error('A required field is missing.'),
  FIELD_TYPE: error('A field has the wrong JSON type.'),
  UNKNOWN_FIELD: error('A field that the request does not define.'),
  INVALID_VALUE: error('A field holds a value outside its allowed set.'),
  PRIVATE_KEY_REJECTED: error('A private key was sent; it must be removed and treated as exposed.'),
  FIELD_CONTROL_CHARACTERS: error('A field holds control characters.'),
  FIELD_FORMAT_CHARACTERS: error('A field holds invisible format characters or lone surrogates.'),
  FIELD_WHITESPACE_TRIMMED: warning('Whitespace around a single-line field was removed.'),
  ID_INVALID: error('A TSM id breaks the id rule (letters, digits, ".", "_", "-"; at most 63).'),
  LABEL_INVALID: error('The CA label breaks the id rule (letters, digits, ".", "_", "-").'),
  NAME_INVALID: error('A name is empty or longer than 256 characters.'),
  DESCRIPTION_TOO_LONG: error('A description is longer than 1024 characters.'),
  CA_BUNDLE_REFERENCE_FIELDS: error('A name or description was given for a referenced CA bundle.'),
  VAULT_URL_INVALID: error('The Vault URL does not parse as a URL.'),
  VAULT_URL_SCHEME: error('The Vault URL does not use https (or http where allowed).'),
  VAULT_URL_NOT_TLS: warning('The Vault URL uses http, which the configuration allows: no TLS.'),
  VAULT_URL_BACKSLASH: error('The Vault URL holds a backslash, which URL parsers read as "/".'),
  VAULT_URL_CREDENTIALS: error('The Vault URL carries a user name or password.'),
  VAULT_URL_HOST_REQUIRED: error('The Vault URL has no host.'),
  VAULT_URL_HOST_CHARACTERS: error('The Vault URL host holds non-ASCII characters or a "%".'),
  VAULT_URL_HOST_AMBIGUOUS: error(
    'The Vault URL host is an IPv4 address in a short, octal or hex form.',
  ),
  VAULT_URL_HOST_LABELS: error(
    'The Vault URL host is no DNS name: an empty label, one over 63 characters, or over 253.',
  ),
  VAULT_URL_HOST_NOT_ROUTABLE: error(
    'The Vault URL host is loopback, unspecified, link-local or multicast: not one for clusters.',
  ),
  VAULT_URL_HOST_NORMALIZED: warning('The Vault URL host was rewritten in its canonical form.'),
  VAULT_URL_PORT_REQUIRED: error('The Vault URL has no explicit, valid port.'),
  VAULT_URL_PORT_NORMALIZED: warning('Leading zeros of the Vault URL port were removed.'),
  VAULT_URL_QUERY: error('The Vault URL has a query.'),
  VAULT_URL_FRAGMENT: error('The Vault URL has a fragment.'),
  VAULT_URL_V1_PATH: error('The Vault URL ends in /v1, which TSM adds itself.'),
  VAULT_URL_PATH: error('The Vault URL has a path.'),
  VAULT_URL_TRAILING_SLASH_REMOVED: warning('A bare trailing "/" of the Vault URL was removed.'),
  MOUNT_PATH_NORMALIZED: warning('The mount path was rewritten to /v1/auth/<mount>.'),
  MOUNT_PATH_EMPTY_OMITTED: warning('An empty mount path was left out: TSM uses its default.'),
  MOUNT_PATH_LOGIN_ENDPOINT: error('The mount path names the login endpoint, not the mount.'),
  MOUNT_PATH_CHARACTERS: error('The mount path holds spaces or non-printable characters.'),
  MOUNT_PATH_URL_CHARACTERS: error('The mount path holds "%", "?", "#" or a backslash.'),
  MOUNT_PATH_DOT_SEGMENT: error('The mount path holds a "." or ".." segment.'),
  MOUNT_PATH_OUTSIDE_AUTH: error('The mount path is not under auth/.'),
  MOUNT_PATH_NO_MOUNT: error('The mount path names no mount under auth/.'),
  NAMESPACE_SLASHES_REMOVED: warning('Slashes around the Vault namespace were removed.'),
  NAMESPACE_EMPTY_OMITTED: warning('An empty Vault namespace was left out (root namespace).'),
  NAMESPACE_CHARACTERS: error('The Vault namespace holds spaces.'),
  NAMESPACE_URL_CHARACTERS: error('The Vault namespace holds "%", "?", "#" or a backslash.'),
  NAMESPACE_DOT_SEGMENT: error('The Vault namespace holds a "." or ".." segment.'),
  NAMESPACE_SEGMENT_INVALID: error(
    'A namespace segment holds other than letters, digits, "-", "_", ".".',
  ),
  NAMESPACE_EMPTY_SEGMENT: error('The Vault namespace has an empty segment ("//").'),
  NAMESPACE_RESERVED: error('The Vault namespace uses a reserved name.'),
  VAULT_PATH_NORMALIZED: warning('The sign path lost a /v1/ prefix or extra slashes.'),
  VAULT_PATH_CHARACTERS: error('The sign path holds spaces or non-printable characters.'),
  VAULT_PATH_IS_URL: error('The sign path is a URL or starts with host:port; give the path only.'),
  VAULT_PATH_URL_CHARACTERS: error('The sign path holds "%", "?", "#" or a backslash.'),
  VAULT_PATH_DOT_SEGMENT: error('The sign path holds a "." or ".." segment.'),
  VAULT_PATH_ISSUE_ENDPOINT: error('The sign path uses issue, which makes Vault generate the key.'),
  VAULT_PATH_PRIVILEGED_ENDPOINT: error('The sign path is a privileged signing endpoint.'),
  VAULT_PATH_RESERVED_MOUNT: error('The sign path starts with a reserved Vault path.'),
  VAULT_PATH_ROLE_INVALID: error('The role of the sign path breaks the role-name rule.'),
  VAULT_PATH_NOT_SIGN: error('The sign path is not <mount>/sign/<role>.'),
  ROLE_NAME_INVALID: error('The Vault role name breaks the role-name rule.'),
  SERVICE_ACCOUNT_QUALIFIED: error('The service account is given as system:serviceaccount:…'),
  SERVICE_ACCOUNT_UPPERCASE: error('The service account name holds upper-case letters.'),
  SERVICE_ACCOUNT_INVALID: error('The service account name is not a DNS-1123 subdomain.'),
  PEM_TOO_LARGE: error('The PEM is larger than 256 KiB.'),
  PEM_TOO_MANY_CERTIFICATES: error('The PEM holds more than 50 certificates.'),
  PEM_NO_CERTIFICATE: error('The PEM holds no CERTIFICATE block.'),
  PEM_MALFORMED: error('The PEM armor is broken (BEGIN/END lines do not pair).'),
  PEM_BLOCK_NOT_CERTIFICATE: error('The PEM holds a block that is not a CERTIFICATE.'),
  PEM_BASE64_INVALID: error('A certificate block is not valid base64.'),
  PEM_CERTIFICATE_INVALID: error('A certificate block does not hold one valid X.509 certificate.'),
  PEM_NOT_CA: error('A certificate is not a CA certificate.'),
  PEM_KEY_USAGE_NO_CERT_SIGN: error('A certificate has a keyUsage without keyCertSign.'),
  PEM_NOT_YET_VALID: error('A certificate is not valid yet.'),
  PEM_EXPIRED: error('A certificate has expired.'),
  PEM_KEY_TOO_SMALL: error('A certificate has an RSA key under 2048 bits.'),
  PEM_RSA_EXPONENT_TOO_LARGE: error('A certificate has an RSA public exponent of 2^32 or more.'),
  PEM_KEY_UNSUPPORTED: error(
    'A certificate has a key other than RSA, ECDSA P-224 to P-521 or Ed25519.',
  ),
  PEM_WEAK_SIGNATURE: error('A non-root certificate is signed with MD5 or SHA-1.'),
  PEM_NO_ROOT: error('The PEM holds no self-signed root certificate.'),
  PEM_ISSUER_MISSING: error('A certificate does not chain to a root of the bundle.'),
  PEM_SIGNATURE_INVALID: error('A certificate signature does not verify against its issuer.'),
  PEM_PATH_LENGTH_EXCEEDED: error('The chain breaks a pathLenConstraint.'),
  PEM_TOO_COMPLEX: error('The chains need more signature checks than a bundle may cost.'),
  PEM_EXPIRES_SOON: warning('A certificate expires within 30 days.'),
  PEM_LINE_ENDINGS_NORMALIZED: warning('CRLF or CR line ends were changed to LF.'),
  PEM_TRAILING_WHITESPACE_REMOVED: warning('Spaces or tabs at the end of PEM lines were removed.'),
  PEM_INDENTATION_REMOVED: warning('Indentation of PEM lines was removed.'),
  PEM_FINAL_NEWLINE_ADDED: warning('The missing final newline of the PEM was added.'),
  PEM_TEXT_DROPPED: warning('Text outside the PEM blocks was dropped.'),
  PEM_LAYOUT_NORMALIZED: warning('Blank lines were removed or base64 re-wrapped at 64 columns.'),
  PEM_DUPLICATE_DROPPED: warning('A certificate given twice was dropped.'),
  PEM_REORDERED: warning('Certificates were reordered: issuing CA first, root last.'),
  VAULT_PREFLIGHT_CHECK_FAILED: warning(
    'Under VAULT_PREFLIGHT warn, a check against Vault itself failed; that alone stops nothing.',
  ),
  VAULT_PREFLIGHT_NOT_RUN: warning(
    'Vault could not be reached from the service, so the preflight checked nothing; not a mismatch.',
  ),
  VAULT_PREFLIGHT_RAISED: warning(
    'The request asked for a laxer vaultPreflight than the service runs; the service mode applied.',
  ),
} as const satisfies Record<string, { severity: ValidationSeverity; description: string }>;

/** Any code of the registry. */
export type ValidationCode = keyof typeof VALIDATION_CODES;

type CodeOf<S extends ValidationSeverity> = {
  [C in ValidationCode]: (typeof VALIDATION_CODES)[C]['severity'] extends S ? C : never;
}[ValidationCode];

/** A code that rejects the request. */
export type ValidationErrorCode = CodeOf<'error'>;

/** A code that only accompanies the request. */
export type ValidationWarningCode = CodeOf<'warning'>;
