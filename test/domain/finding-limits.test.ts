import { describe, expect, it } from 'vitest';
import { ValidationReport } from '../../src/domain/validation-report.js';
import { codes, errorsOf, validate, validRequest } from './support/requests.js';

describe('the number of findings in one answer', () => {
  it('lists 100 errors and then one that counts the rest', () => {
    const unknown = Object.fromEntries(
      Array.from({ length: 90_000 }, (_, index) => [`unknown${index}`, 1]),
    );
    const errors = errorsOf(validate({ ...validRequest(), ...unknown }));

    expect(errors).toHaveLength(101);
    expect(codes(errors.slice(0, 100)).every((error) => error.code === 'UNKNOWN_FIELD')).toBe(true);
    expect(errors[100]).toEqual({
      pointer: '',
      code: 'TOO_MANY_ERRORS',
      message:
        '89900 more errors were found and left out of this answer; ' +
        'fix the ones listed and send again.',
    });
    expect(JSON.stringify(errors).length).toBeLessThan(64 * 1024);
  });

  it('lists exactly 100 errors without a count when there are no more', () => {
    const unknown = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`x${index}`, 1]));
    const errors = errorsOf(validate({ ...validRequest(), ...unknown }));

    expect(errors).toHaveLength(100);
    expect(errors.map((error) => error.code)).not.toContain('TOO_MANY_ERRORS');
  });

  it('does the same for warnings, and still counts every error as a failure', () => {
    const report = new ValidationReport();
    for (let index = 0; index < 150; index += 1) {
      report.warn(`/w${index}`, 'FIELD_WHITESPACE_TRIMMED', 'Removed the whitespace.');
      report.error(`/e${index}`, 'FIELD_TYPE', 'Wrong type.');
    }

    expect(report.errorCount).toBe(150);
    expect(report.listWarnings()).toHaveLength(101);
    expect(report.listWarnings()[100]).toEqual({
      pointer: '',
      code: 'TOO_MANY_WARNINGS',
      message: '50 more warnings were found and left out of this answer.',
    });
  });
});
