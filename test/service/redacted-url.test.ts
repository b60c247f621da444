/**
 * The request URL as answers and log lines repeat it: a path or a query holding a private key in
 * any form is replaced whole, and an honest URL is left exactly as sent.
 */
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactPrivateKeysInUrl } from '../../src/redacted-url.js';
import { makePrivateKeyPem } from '../support/certificates.js';

function encodedTimes(text: string, times: number): string {
  let encoded = text;
  for (let round = 0; round < times; round += 1) encoded = encodeURIComponent(encoded);
  return encoded;
}

describe('redactPrivateKeysInUrl', () => {
  it.each([
    '/vault-integrations?limit=1&status=succeeded',
    '/vault-integrations/6f1c2a9e-3b7d-4c1a-9e2f-0a1b2c3d4e5f',
    '/audit-records?since=2026-01-01T00:00:00%2B01:00&action=http.request',
    '/nothing-here/%25%2541%zz',
    '/x?a+b=c+d',
  ])('leaves the honest URL %s as sent', (url) => {
    expect(redactPrivateKeysInUrl(url)).toBe(url);
  });

  it('replaces the query only when the key is in the query', () => {
    const pem = makePrivateKeyPem('ec');

    const url = `/vault-integrations?x=${encodeURIComponent(pem).replace(/%20/g, '+')}`;

    expect(redactPrivateKeysInUrl(url)).toBe('/vault-integrations?[REDACTED]');
  });

  it('replaces a path holding a bare base64 key without armor', () => {
    const der = createPrivateKey(makePrivateKeyPem('pkcs8')).export({
      type: 'pkcs8',
      format: 'der',
    });

    const url = `/x/${encodeURIComponent(der.toString('base64'))}?limit=1`;

    expect(redactPrivateKeysInUrl(url)).toBe('/[REDACTED]?limit=1');
  });

  it('replaces a path still changing after ten decodings, as it might hide a key', () => {
    const pem = makePrivateKeyPem('ec');

    expect(redactPrivateKeysInUrl(`/x/${encodedTimes(pem, 12)}`)).toBe('/[REDACTED]');
  });
});
