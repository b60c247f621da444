import { describe, expect, it } from 'vitest';
import { codes, errorsOf, integrationOf, validate, withAccount } from './support/requests.js';

const POINTER = '/account/vaultUrl';

function accepted(vaultUrl: string, allowHttpVault = false) {
  const result = validate(withAccount({ vaultUrl }), { allowHttpVault });
  return { vaultUrl: integrationOf(result).account.vaultUrl, warnings: codes(result.warnings) };
}

function refused(vaultUrl: string) {
  const errors = errorsOf(validate(withAccount({ vaultUrl })));
  return { found: codes(errors), messages: errors.map((error) => error.message) };
}

describe('the Vault URL', () => {
  it('keeps scheme://host:port, with the host in lower case', () => {
    expect(accepted('https://Vault.Example.INTERNAL:8200')).toEqual({
      vaultUrl: 'https://vault.example.internal:8200',
      warnings: [],
    });
  });

  it('keeps an explicit :443, which URL parsers hide', () => {
    expect(accepted('https://vault.example.internal:443').vaultUrl).toBe(
      'https://vault.example.internal:443',
    );
  });

  it('accepts IPv6 hosts', () => {
    expect(accepted('https://[fd00::1]:8200').vaultUrl).toBe('https://[fd00::1]:8200');
  });

  it('drops a bare trailing slash with a warning', () => {
    expect(accepted('https://vault.example.internal:8200/')).toEqual({
      vaultUrl: 'https://vault.example.internal:8200',
      warnings: [{ pointer: POINTER, code: 'VAULT_URL_TRAILING_SLASH_REMOVED' }],
    });
  });

  it('accepts http only when the configuration allows it', () => {
    expect(accepted('http://10.0.0.5:8200', true).vaultUrl).toBe('http://10.0.0.5:8200');
    const { found, messages } = refused('http://10.0.0.5:8200');
    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_SCHEME' }]);
    expect(messages[0]).toContain('https://');
  });

  it.each([
    ['vault.example.internal:8200', 'VAULT_URL_SCHEME'],
    ['ftp://vault.example.internal:8200', 'VAULT_URL_SCHEME'],
    ['https://:8200', 'VAULT_URL_HOST_REQUIRED'],
    ['https://vault example:8200', 'VAULT_URL_INVALID'],
    ['https://vault.example.internal:8200?namespace=admin', 'VAULT_URL_QUERY'],
    ['https://vault.example.internal:8200/?', 'VAULT_URL_QUERY'],
    ['https://vault.example.internal:8200#ui', 'VAULT_URL_FRAGMENT'],
    ['https://vault.example.internal:8200/ui', 'VAULT_URL_PATH'],
    ['https://vault.example.internal:0', 'VAULT_URL_PORT_REQUIRED'],
  ])('refuses %s as %s', (vaultUrl, code) => {
    expect(refused(vaultUrl).found).toEqual([{ pointer: POINTER, code }]);
  });

  it('asks for an explicit port, hinting at 8200, even for https', () => {
    const { found, messages } = refused('https://vault.example.internal');

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_PORT_REQUIRED' }]);
    expect(messages[0]).toContain('https://vault.example.internal:8200');
  });

  it.each(['/v1', '/v1/', '/v1/sys/health'])('refuses the path %s: TSM adds /v1 itself', (path) => {
    const { found, messages } = refused(`https://vault.example.internal:8200${path}`);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_V1_PATH' }]);
    expect(messages[0]).toContain('TSM adds /v1');
    expect(messages[0]).toContain('https://vault.example.internal:8200.');
  });

  it('refuses credentials without ever repeating them', () => {
    const { found, messages } = refused('https://admin:s3cr3t-t0ken@vault.example.internal:8200');

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_CREDENTIALS' }]);
    expect(messages.join(' ')).not.toMatch(/admin|s3cr3t/);
  });

  it('reports every problem of one URL, still without repeating credentials', () => {
    const { found, messages } = refused('http://jdoe:pw-9z@Vault.example/v1?x=1#y');

    expect(found.map((finding) => finding.code)).toEqual([
      'VAULT_URL_SCHEME',
      'VAULT_URL_CREDENTIALS',
      'VAULT_URL_PORT_REQUIRED',
      'VAULT_URL_QUERY',
      'VAULT_URL_FRAGMENT',
      'VAULT_URL_V1_PATH',
    ]);
    expect(messages.join(' ')).not.toMatch(/jdoe|pw-9z/);
  });
});

describe('a Vault URL host that a URL parser would rewrite', () => {
  it.each([
    [
      'https://v\u0430ult.example.internal:8200',
      'a Cyrillic letter',
      '"xn--vult-53d.example.internal"',
    ],
    ['https://vault\u3002example:8200', 'an ideographic full stop', 'non-ASCII characters'],
    ['https://vault%2eexample:8200', 'percent-encoding', 'URL parsers decode it'],
  ])('refuses %s (%s), and says why', (vaultUrl, _, hint) => {
    const { found, messages } = refused(vaultUrl);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_HOST_CHARACTERS' }]);
    expect(messages[0]).toContain(hint);
  });

  it.each(['0x7f.1', '127.1', '2130706433', '0177.0.0.1', '127.000.000.001'])(
    'refuses the IPv4 form %s, naming the address a parser makes of it',
    (host) => {
      const { found, messages } = refused(`https://${host}:8200`);

      expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_HOST_AMBIGUOUS' }]);
      expect(messages[0]).toContain('this one as 127.0.0.1');
    },
  );

  const label = (length: number) => 'a'.repeat(length);
  // 4 labels of 63 and their 3 dots: 255 characters, over the 253 DNS allows.
  const longName = [label(63), label(63), label(63), label(63)].join('.');

  it.each([
    ['a label of 300 characters', `${label(300)}.example.com`],
    ['a label of 64 characters', `${label(64)}.example.com`],
    ['an empty label before the trailing dot', 'vault.example.com..'],
    ['an empty label inside', 'vault..example.com'],
    ['an empty first label', '.vault.example.com'],
    ['a name of 255 characters', longName],
  ])('refuses a host with %s, which DNS cannot resolve', (_, host) => {
    const { found, messages } = refused(`https://${host}:8200`);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_HOST_LABELS' }]);
    expect(messages[0]).toContain('each label at most 63 characters');
    expect(messages[0]).toContain('the whole name at most 253');
    expect(messages[0]).toContain('no empty label');
  });

  it.each([
    ['-vault.example.com', '"-vault"'],
    ['vault-.example.com', '"vault-"'],
    ['vault.example.com-', '"com-"'],
    ['vault.-.example.com.', '"-"'],
  ])('refuses the host %s, whose label starts or ends with "-" (RFC 1123)', (host, culprit) => {
    const { found, messages } = refused(`https://${host}:8200`);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_HOST_LABELS' }]);
    expect(messages[0]).toContain('no label that starts or ends with "-"');
    expect(messages[0]).toContain(`Here the label ${culprit} is at fault.`);
  });

  it.each(['vault-1.example.com', 'xn--vult-8qa.example.com', '_vault.my_team.example.com'])(
    'accepts inner hyphens, IDN labels and underscores: %s',
    (host) => {
      expect(accepted(`https://${host}:8200`).vaultUrl).toBe(`https://${host}:8200`);
    },
  );

  it('accepts labels of 63 characters in a name of 253, and one trailing dot', () => {
    const longest = [label(63), label(63), label(63), label(61)].join('.');
    expect(longest).toHaveLength(253);

    expect(accepted(`https://${longest}:8200`).vaultUrl).toBe(`https://${longest}:8200`);
    expect(accepted(`https://${longest}.:8200`).vaultUrl).toBe(`https://${longest}.:8200`);
    expect(accepted('https://vault.example.com.:8200').vaultUrl).toBe(
      'https://vault.example.com.:8200',
    );
  });

  it('rewrites a long IPv6 form, with a warning', () => {
    expect(accepted('https://[fd00:0:0:0:0:0:0:1]:8200')).toEqual({
      vaultUrl: 'https://[fd00::1]:8200',
      warnings: [{ pointer: POINTER, code: 'VAULT_URL_HOST_NORMALIZED' }],
    });
  });

  it('drops leading zeros of the port, with a warning', () => {
    expect(accepted('https://vault.example.internal:08200')).toEqual({
      vaultUrl: 'https://vault.example.internal:8200',
      warnings: [{ pointer: POINTER, code: 'VAULT_URL_PORT_NORMALIZED' }],
    });
  });

  it.each([
    'https://evil.example\\@vault.example.internal:8200',
    'https://vault.example.internal:8200\\@evil.example',
    'https:\\\\vault.example.internal:8200',
  ])('refuses a backslash anywhere: %s', (vaultUrl) => {
    const { found, messages } = refused(vaultUrl);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_BACKSLASH' }]);
    expect(messages[0]).toContain('read "\\" as "/"');
  });
});

describe('a Vault URL over http', () => {
  it('is accepted where the configuration allows it, with a warning that TLS is off', () => {
    const result = validate(withAccount({ vaultUrl: 'http://10.0.0.5:8200' }), {
      allowHttpVault: true,
    });

    expect(integrationOf(result).account.vaultUrl).toBe('http://10.0.0.5:8200');
    expect(codes(result.warnings)).toEqual([{ pointer: POINTER, code: 'VAULT_URL_NOT_TLS' }]);
    expect(result.warnings[0]?.message).toContain('without TLS');
  });

  it('is refused elsewhere, and every other hint shows the https form', () => {
    const { found, messages } = refused('http://vault.example.internal/v1?x=1#y');

    expect(found.map((finding) => finding.code)).toEqual([
      'VAULT_URL_SCHEME',
      'VAULT_URL_PORT_REQUIRED',
      'VAULT_URL_QUERY',
      'VAULT_URL_FRAGMENT',
      'VAULT_URL_V1_PATH',
    ]);
    for (const message of messages.slice(1)) {
      expect(message).toContain('https://vault.example.internal:8200');
      expect(message).not.toContain('http://');
    }
  });
});
