import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CliEnvironmentSchema } from '../src/cli/environment.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { EnvironmentSchema } from '../src/config.js';
import { AUDIT_ACTIONS } from '../src/domain/audit-actions.js';
import { VALIDATION_CODES } from '../src/domain/validation-codes.js';
import { ERRORS } from '../src/errors.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the README's markdown tables, as trimmed cells. */
const tableRows = readme
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

/** The first row whose cell at `column` is exactly `text`. */
function rowWith(text: string, column = 0): string[] | undefined {
  return tableRows.find((cells) => cells[column] === text);
}

describe('the README stays true to the code', () => {
  it('documents every environment variable with its default', () => {
    for (const [name, schema] of Object.entries(EnvironmentSchema.properties)) {
      const row = rowWith(`\`${name}\``);
      expect(row, name).toBeDefined();
      const fallback = (schema as { default?: string | number }).default;
      if (fallback !== undefined) expect(row?.[1], name).toBe(`\`${String(fallback)}\``);
    }
  });

  it('documents every error code with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      const row = rowWith(`\`${code}\``, 1);
      expect(row?.[0], code).toBe(String(status));
    }
  });

  it('documents every validation code with its kind', () => {
    for (const [code, { severity }] of Object.entries(VALIDATION_CODES)) {
      expect(rowWith(`\`${code}\``)?.[1], code).toBe(severity);
    }
  });

  it('documents every audit action, and no other, in the audit trail section', () => {
    const start = readme.indexOf('### Audit trail');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1]?.trim().replaceAll('`', ''));
    expect(documented.toSorted()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it("documents the command-line client's variables and exit statuses", () => {
    for (const [name, schema] of Object.entries(CliEnvironmentSchema.properties)) {
      const row = rowWith(`\`${name}\``);
      expect(row?.[2], name).toBe((schema as { description: string }).description);
      const fallback = (schema as { default?: string }).default;
      expect(row?.[1], name).toBe(fallback === undefined ? '' : `\`${fallback}\``);
    }
    for (const code of Object.values(EXIT))
      expect(rowWith(String(code)), String(code)).toBeDefined();
  });
});
