import { describe, expect, it } from 'vitest';
import { codes, errorsOf, integrationOf, validate, withAccount } from './support/requests.js';

const MOUNT = '/account/mountPath';
const NAMESPACE = '/account/namespace';

function account(fields: Record<string, unknown>) {
  const result = validate(withAccount(fields));
  return { account: integrationOf(result).account, warnings: codes(result.warnings) };
}

function refused(fields: Record<string, unknown>) {
  const errors = errorsOf(validate(withAccount(fields)));
  return { found: codes(errors), messages: errors.map((error) => error.message) };
}

describe('the mount path of the Kubernetes auth method', () => {
  it('keeps /v1/auth/<mount> as given', () => {
    expect(account({ mountPath: '/v1/auth/tenant-02' })).toMatchObject({
      account: { mountPath: '/v1/auth/tenant-02' },
      warnings: [],
    });
  });

  it.each([
    'tenant-02',
    'auth/tenant-02',
    'v1/auth/tenant-02',
    '/v1/auth/tenant-02/',
    '//v1//auth/tenant-02',
    '/auth/tenant-02',
  ])('rewrites %j as /v1/auth/tenant-02, with a warning', (mountPath) => {
    const { account: normalized, warnings } = account({ mountPath });

    expect(normalized.mountPath).toBe('/v1/auth/tenant-02');
    expect(warnings).toEqual([{ pointer: MOUNT, code: 'MOUNT_PATH_NORMALIZED' }]);
  });

  it('keeps a mount of several segments', () => {
    expect(account({ mountPath: 'auth/clusters/east' }).account.mountPath).toBe(
      '/v1/auth/clusters/east',
    );
  });

  it('leaves out an empty mount path, with a warning, so TSM uses its default', () => {
    const { account: normalized, warnings } = account({ mountPath: '' });

    expect(normalized).not.toHaveProperty('mountPath');
    expect(warnings).toEqual([{ pointer: MOUNT, code: 'MOUNT_PATH_EMPTY_OMITTED' }]);
  });

  it('refuses the login endpoint, giving the mount to use instead', () => {
    const { found, messages } = refused({ mountPath: '/v1/auth/tenant-02/login' });

    expect(found).toEqual([{ pointer: MOUNT, code: 'MOUNT_PATH_LOGIN_ENDPOINT' }]);
    expect(messages[0]).toContain('"/v1/auth/tenant-02"');
  });

  it.each([
    ['/v1/auth/tenant 02', 'MOUNT_PATH_CHARACTERS'],
    ['/v1/auth/tenant\u00a002', 'MOUNT_PATH_CHARACTERS'],
    ['/v1/auth/../sys', 'MOUNT_PATH_DOT_SEGMENT'],
    ['/v1/auth/./kubernetes', 'MOUNT_PATH_DOT_SEGMENT'],
    ['/v1/pki/tenant-02', 'MOUNT_PATH_OUTSIDE_AUTH'],
    ['sys/auth/kubernetes', 'MOUNT_PATH_OUTSIDE_AUTH'],
    ['/v1/auth/', 'MOUNT_PATH_NO_MOUNT'],
  ])('refuses %j as %s', (mountPath, code) => {
    expect(refused({ mountPath }).found).toEqual([{ pointer: MOUNT, code }]);
  });
});

describe('the Vault namespace', () => {
  it.each(['admin', 'admin/team-a'])('keeps %j', (namespace) => {
    expect(account({ namespace })).toMatchObject({ account: { namespace }, warnings: [] });
  });

  it('strips outer slashes with a warning', () => {
    const { account: normalized, warnings } = account({ namespace: '/admin/team-a/' });

    expect(normalized.namespace).toBe('admin/team-a');
    expect(warnings).toEqual([{ pointer: NAMESPACE, code: 'NAMESPACE_SLASHES_REMOVED' }]);
  });

  it('leaves out an empty namespace with a warning', () => {
    const { account: normalized, warnings } = account({ namespace: '' });

    expect(normalized).not.toHaveProperty('namespace');
    expect(warnings).toEqual([{ pointer: NAMESPACE, code: 'NAMESPACE_EMPTY_OMITTED' }]);
  });

  it('refuses "root", hinting to omit the field', () => {
    const { found, messages } = refused({ namespace: 'root' });

    expect(found).toEqual([{ pointer: NAMESPACE, code: 'NAMESPACE_RESERVED' }]);
    expect(messages[0]).toContain('omit the field');
  });

  it.each([
    ['sys', 'NAMESPACE_RESERVED'],
    ['admin/identity', 'NAMESPACE_RESERVED'],
    ['cubbyhole', 'NAMESPACE_RESERVED'],
    ['team a', 'NAMESPACE_CHARACTERS'],
    ['admin//team-a', 'NAMESPACE_EMPTY_SEGMENT'],
  ])('refuses %j as %s', (namespace, code) => {
    expect(refused({ namespace }).found).toEqual([{ pointer: NAMESPACE, code }]);
  });
});

describe('mount paths and namespaces that would reach another Vault path', () => {
  it.each([
    ['/v1/auth/%2e%2e/sys', 'MOUNT_PATH_URL_CHARACTERS', 'Vault decodes percent-encoding'],
    ['/v1/auth/.%2e/sys', 'MOUNT_PATH_URL_CHARACTERS', 'Vault decodes percent-encoding'],
    ['/v1/auth/k8s?x=1', 'MOUNT_PATH_URL_CHARACTERS', 'which ends the path'],
    ['/v1/auth/k8s#f', 'MOUNT_PATH_URL_CHARACTERS', 'which ends the path'],
    ['/v1/auth/k8s\\..\\..\\sys', 'MOUNT_PATH_URL_CHARACTERS', 'read as "/"'],
    ['/v1/auth/k8s/../../sys', 'MOUNT_PATH_DOT_SEGMENT', 'Vault resolves'],
  ])('refuses the mount path %j as %s, with a hint', (mountPath, code, hint) => {
    const { found, messages } = refused({ mountPath });

    expect(found).toEqual([{ pointer: MOUNT, code }]);
    expect(messages[0]).toContain(hint);
  });

  it.each(['/V1/auth/k8s', 'V1/AUTH/k8s', '/v1/Auth/k8s/'])(
    'reads the v1 and auth prefixes of %j in any case',
    (mountPath) => {
      const { account: normalized, warnings } = account({ mountPath });

      expect(normalized.mountPath).toBe('/v1/auth/k8s');
      expect(warnings).toEqual([{ pointer: MOUNT, code: 'MOUNT_PATH_NORMALIZED' }]);
    },
  );

  it.each([
    ['..', 'NAMESPACE_DOT_SEGMENT', 'Vault resolves'],
    ['admin/../x', 'NAMESPACE_DOT_SEGMENT', 'Vault resolves'],
    ['./admin', 'NAMESPACE_DOT_SEGMENT', 'Vault resolves'],
    ['admin/%2e%2e', 'NAMESPACE_URL_CHARACTERS', 'Vault decodes percent-encoding'],
    ['admin?x', 'NAMESPACE_URL_CHARACTERS', 'which ends the path'],
    ['admin\\team', 'NAMESPACE_URL_CHARACTERS', 'read as "/"'],
    ['admin\u200b', 'FIELD_FORMAT_CHARACTERS', 'U+200B'],
    ['admin/t\u00ebam', 'NAMESPACE_CHARACTERS', 'U+00EB'],
    ['admin/.team', 'NAMESPACE_SEGMENT_INVALID', '"." only between them'],
    ['admin/team:a', 'NAMESPACE_SEGMENT_INVALID', 'letters, digits, "-" and "_"'],
  ])('refuses the namespace %j as %s, with a hint', (namespace, code, hint) => {
    const { found, messages } = refused({ namespace });

    expect(found).toEqual([{ pointer: NAMESPACE, code }]);
    expect(messages[0]).toContain(hint);
  });

  it.each(['team.a', 'admin/team_a-1', 'A1'])('keeps the namespace %j', (namespace) => {
    expect(account({ namespace })).toMatchObject({ account: { namespace }, warnings: [] });
  });
});
