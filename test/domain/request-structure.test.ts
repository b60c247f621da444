import { describe, expect, it } from 'vitest';
import { codes, errorsOf, integrationOf, validate, validRequest } from './support/requests.js';

describe('a body that is not a request', () => {
  it.each([null, [], [validRequest()], 42, 'text', true])(
    'refuses %j as BODY_NOT_OBJECT',
    (body) => {
      expect(codes(errorsOf(validate(body)))).toEqual([{ pointer: '', code: 'BODY_NOT_OBJECT' }]);
    },
  );
});

describe('structural errors', () => {
  it('reports each missing section and field once, as FIELD_REQUIRED', () => {
    const errors = errorsOf(validate({ account: { id: 'a' } }));

    expect(codes(errors)).toEqual([
      { pointer: '/account/roleName', code: 'FIELD_REQUIRED' },
      { pointer: '/account/serviceAccountName', code: 'FIELD_REQUIRED' },
      { pointer: '/account/vaultUrl', code: 'FIELD_REQUIRED' },
      { pointer: '/certificateAuthority', code: 'FIELD_REQUIRED' },
    ]);
    expect(errors[2]?.message).toContain('vaultUrl');
  });

  it('reports a value of the wrong JSON type as FIELD_TYPE, saying what was expected', () => {
    const request = validRequest();
    const errors = errorsOf(validate({ ...request, account: { ...request.account, roleName: 7 } }));

    expect(codes(errors)).toEqual([{ pointer: '/account/roleName', code: 'FIELD_TYPE' }]);
    expect(errors[0]?.message).toBe('roleName must be a string, not a number.');
  });

  it('reports a section that is not an object without looking inside it', () => {
    const errors = errorsOf(validate({ ...validRequest(), caBundle: [{ id: 'x' }] }));

    expect(codes(errors)).toEqual([{ pointer: '/caBundle', code: 'FIELD_TYPE' }]);
  });

  it('reports unknown fields at their own pointer, escaped as RFC 6901 wants', () => {
    const request = validRequest();
    const body = { ...request, extra: 1, account: { ...request.account, 'a/b~c': true } };

    expect(codes(errorsOf(validate(body)))).toEqual([
      { pointer: '/account/a~1b~0c', code: 'UNKNOWN_FIELD' },
      { pointer: '/extra', code: 'UNKNOWN_FIELD' },
    ]);
  });

  it('refuses an onExisting outside its values as INVALID_VALUE, naming them', () => {
    const errors = errorsOf(validate({ ...validRequest(), onExisting: 'overwrite' }));

    expect(codes(errors)).toEqual([{ pointer: '/onExisting', code: 'INVALID_VALUE' }]);
    expect(errors[0]?.message).toBe('onExisting must be one of "reject" or "replace".');
  });

  it('accepts onExisting "replace"', () => {
    expect(integrationOf(validate({ ...validRequest(), onExisting: 'replace' })).onExisting).toBe(
      'replace',
    );
  });
});

describe('all errors at once', () => {
  it('lists structural and semantic errors together, sorted by pointer', () => {
    const request = validRequest();
    const body = {
      account: { ...request.account, vaultUrl: 'https://vault.example.internal', roleName: 3 },
      certificateAuthority: { ...request.certificateAuthority, label: '-bad-', color: 'red' },
      onExisting: 1,
    };

    expect(codes(errorsOf(validate(body)))).toEqual([
      { pointer: '/account/roleName', code: 'FIELD_TYPE' },
      { pointer: '/account/vaultUrl', code: 'VAULT_URL_PORT_REQUIRED' },
      { pointer: '/certificateAuthority/color', code: 'UNKNOWN_FIELD' },
      { pointer: '/certificateAuthority/label', code: 'LABEL_INVALID' },
      { pointer: '/onExisting', code: 'INVALID_VALUE' },
    ]);
  });

  it('still checks the fields of a section that has an unknown field', () => {
    const body = { ...validRequest(), caBundle: { id: 'bundle id', colour: 'red' } };

    expect(codes(errorsOf(validate(body)))).toEqual([
      { pointer: '/caBundle/colour', code: 'UNKNOWN_FIELD' },
      { pointer: '/caBundle/id', code: 'ID_INVALID' },
    ]);
  });

  it('never throws, whatever JSON it is given', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    const bodies: unknown[] = [
      { account: deep, certificateAuthority: { id: deep } },
      { ...validRequest(), caBundle: { id: 'b', pem: '-----BEGIN CERTIFICATE-----\n!!\n' } },
      { ...validRequest(), extra: deep },
      { __proto__: 1, constructor: {}, account: [], certificateAuthority: null },
    ];

    for (const body of bodies) expect(validate(body).ok).toBe(false);
  });

  it('stays fast on long hostile strings in every field', () => {
    const hostile = ['-'.repeat(1 << 20), '/'.repeat(1 << 20) + 'x', 'BEGIN A'.repeat(150_000)];
    const started = performance.now();
    for (const text of hostile) {
      const section = { id: text, name: text, label: text, vaultPath: text, vaultUrl: text };
      const account = { ...section, serviceAccountName: text, roleName: text, namespace: text };
      validate({ account: { ...account, mountPath: text }, certificateAuthority: section });
    }

    // Linear work takes milliseconds here; a quadratic pattern would take minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
