import { describe, expect, it } from 'vitest';
import { VALIDATION_CODES } from '../../src/domain/validation-codes.js';

describe('the registry of validation codes', () => {
  it('gives every code an UPPER_SNAKE name, a severity and a one-line description', () => {
    for (const [code, entry] of Object.entries(VALIDATION_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(['error', 'warning']).toContain(entry.severity);
      expect(entry.description).toMatch(/^[A-Z].*[.…]$/);
      expect(entry.description).not.toContain('\n');
    }
  });

  it('holds the codes the API documents by name', () => {
    expect(Object.keys(VALIDATION_CODES)).toEqual(
      expect.arrayContaining([
        'BODY_NOT_OBJECT',
        'FIELD_REQUIRED',
        'FIELD_TYPE',
        'UNKNOWN_FIELD',
        'INVALID_VALUE',
        'PRIVATE_KEY_REJECTED',
        'CA_BUNDLE_REFERENCE_FIELDS',
        'PEM_EXPIRES_SOON',
      ]),
    );
    expect(VALIDATION_CODES.PEM_EXPIRES_SOON.severity).toBe('warning');
  });
});
