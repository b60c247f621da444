/**
 * examples/integration.json, which the README's quick start sends with curl: it is the
 * documentation's example, byte for byte what a caller pastes, and the service takes it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DOCUMENTATION_EXAMPLE } from '../../src/http/examples.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectStatus } from './support/http-expectations.js';

const EXAMPLE_FILE = new URL('../../examples/integration.json', import.meta.url);
const YAML_EXAMPLE_FILE = new URL('../../examples/integration.yaml', import.meta.url);

interface Created {
  status: string;
  warnings: { pointer: string; code: string }[];
}

describe('the example file of the quick start', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Off: the example names a real Vault host that a test must not try to reach.
    harness = await startHarness({ env: { VAULT_PREFLIGHT: 'off' } });
  });
  afterAll(() => harness.close());

  it('is the documentation example the OpenAPI document shows', () => {
    expect(JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8'))).toEqual(DOCUMENTATION_EXAMPLE);
  });

  it('has a YAML twin for the command-line client: the same request, its PEM as a block', () => {
    const json = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as typeof DOCUMENTATION_EXAMPLE;
    const yaml = parse(readFileSync(YAML_EXAMPLE_FILE, 'utf8')) as unknown;

    // Only the guide's trailing spaces after the BEGIN line differ: YAML editors strip them.
    const pem = json.caBundle?.pem?.replace(/[ \t]+$/gm, '');
    expect(yaml).toEqual({ ...json, caBundle: { ...json.caBundle, pem } });
  });

  it('creates the integration as sent, reporting the trailing spaces it removed', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      rawBody: readFileSync(EXAMPLE_FILE, 'utf8'),
      headers: { 'content-type': 'application/json' },
    });

    const created = expectStatus<Created>(answer, 201);
    expect(created.status).toBe('succeeded');
    expect(created.warnings).toContainEqual(
      expect.objectContaining({
        pointer: '/caBundle/pem',
        code: 'PEM_TRAILING_WHITESPACE_REMOVED',
      }),
    );
  });
});
