/**
 * What validation says about a request: errors that reject it, warnings that accompany it.
 * Both point into the request with an RFC 6901 JSON pointer so a caller can mark the field.
 */

/** One problem or remark about one field of the request. */
export interface Finding {
  /** JSON pointer into the request body, e.g. "/account/vaultUrl"; "" for the body itself. */
  pointer: string;
  /** Stable machine-readable code, e.g. "VAULT_URL_PORT_REQUIRED". Callers branch on it. */
  code: string;
  /** One or two sentences for a human: what is wrong and how to fix it. Never echoes secrets. */
  message: string;
}

/** A finding that rejects the request. */
export type FieldError = Finding;

/** A finding that lets the request through, reported back to the caller. */
export type Warning = Finding;
