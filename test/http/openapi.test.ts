/**
 * The OpenAPI document a client generator or a reader gets: valid OpenAPI 3, and documenting
 * each route with its request, parameters and problem answers. /docs shows it in a browser.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTATION_EXAMPLE } from '../../src/http/examples.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectStatus } from './support/http-expectations.js';

interface MediaType {
  schema?: { $ref?: string; properties?: Record<string, unknown>; required?: string[] };
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

interface Operation {
  security?: unknown[];
  'x-required-scope'?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

describe('the OpenAPI document', () => {
  let harness: Harness;
  let document: OpenApiDocument;

  beforeAll(async () => {
    harness = await startHarness();
    const answer = await harness.call('GET', '/openapi.json', { headers: { authorization: '' } });
    document = expectStatus<OpenApiDocument>(answer, 200);
  });
  afterAll(() => harness.close());

  it('is a valid OpenAPI 3 document', async () => {
    // validate() dereferences in place; the tests below read the document as served.
    const validated = await SwaggerParser.validate(structuredClone(document) as never);

    expect(validated).toHaveProperty('openapi', expect.stringMatching(/^3\./));
  });

  it('documents POST /vault-integrations with the request schema and its example', () => {
    const post = operation(document, '/vault-integrations', 'post');
    const media = post.requestBody?.content['application/json'];

    expect(media?.schema?.required).toEqual(['account', 'certificateAuthority']);
    expect(Object.keys(media?.schema?.properties ?? {})).toEqual(
      expect.arrayContaining(['caBundle', 'account', 'certificateAuthority', 'onExisting']),
    );
    const examples = [media?.example, ...Object.values(media?.examples ?? {}).map((e) => e.value)];
    expect(examples).toContainEqual(DOCUMENTATION_EXAMPLE);
    expect(post.responses['201']?.content?.['application/json']?.schema?.$ref).toBe(
      '#/components/schemas/Integration',
    );
  });

  it('documents the Vault preflight: the request field, its outcomes and the failed checks', () => {
    const post = operation(document, '/vault-integrations', 'post');
    const request = post.requestBody?.content['application/json']?.schema?.properties;
    expect(JSON.stringify(request?.vaultPreflight)).toContain('"require"');

    const schemas = document.components.schemas as Record<
      string,
      { properties: Record<string, unknown> }
    >;
    const preflight = JSON.stringify(schemas.Integration?.properties.preflight);
    for (const documented of ['incomplete', 'not_run', 'ISSUING_CA_NOT_TRUSTED', 'VAULT_SEALED']) {
      expect(preflight).toContain(`"${documented}"`);
    }
    expect(JSON.stringify(schemas.Problem?.properties.failedChecks)).toContain(
      '"PKI_MOUNT_NOT_FOUND"',
    );
  });

  it('documents GET /vault-integrations/{id} with its path parameter', () => {
    const get = operation(document, '/vault-integrations/{id}', 'get');

    expect(get.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    );
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '404']));
  });

  it('documents the preview of POST /vault-integrations: dryRun and the plan it answers', () => {
    const post = operation(document, '/vault-integrations', 'post');
    const plan = post.responses['200']?.content?.['application/json']?.schema;

    expect(post.parameters).toContainEqual(
      expect.objectContaining({ name: 'dryRun', in: 'query' }),
    );
    expect(plan?.required).toEqual(
      expect.arrayContaining(['dryRun', 'wouldProceed', 'resources', 'warnings']),
    );
  });

  it('documents respond-async on POST /vault-integrations: its headers and the 202', () => {
    const post = operation(document, '/vault-integrations', 'post');

    const headers = (post.parameters ?? []).filter((parameter) => parameter.in === 'header');
    expect(headers.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['prefer', 'x-callback-url']),
    );
    expect(post.responses['202']?.content?.['application/json']?.schema?.$ref).toBe(
      '#/components/schemas/Integration',
    );
  });

  it('documents DELETE /vault-integrations/{id} with each of its answers', () => {
    const remove = operation(document, '/vault-integrations/{id}', 'delete');

    expect(remove.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    );
    expect(Object.keys(remove.responses)).toEqual(
      expect.arrayContaining(['200', '202', '404', '409', '502']),
    );
    expect(remove.responses['200']?.content?.['application/json']?.schema?.$ref).toBe(
      '#/components/schemas/Integration',
    );
  });

  it('documents GET /vault-integrations with its optional filters and cursor', () => {
    const get = operation(document, '/vault-integrations', 'get');
    const names = [
      'status',
      'caLabel',
      'actor',
      'createdAfter',
      'createdBefore',
      'limit',
      'cursor',
    ];

    const query = (get.parameters ?? []).filter((parameter) => parameter.in === 'query');
    expect(query.map((parameter) => parameter.name).sort()).toEqual([...names].sort());
    expect(query.filter((parameter) => parameter.required === true)).toEqual([]);
  });

  it('documents GET /audit-records with its optional query parameters', () => {
    const get = operation(document, '/audit-records', 'get');
    const names = ['integrationId', 'actor', 'action', 'since', 'until', 'limit', 'cursor'];

    const query = (get.parameters ?? []).filter((parameter) => parameter.in === 'query');
    expect(query.map((parameter) => parameter.name).sort()).toEqual([...names].sort());
    expect(query.filter((parameter) => parameter.required === true)).toEqual([]);
  });

  it('documents the problem answers of every route as application/problem+json', () => {
    const expected: [string, string, string[]][] = [
      [
        '/vault-integrations',
        'post',
        ['400', '401', '409', '413', '415', '422', '500', '502', '504'],
      ],
      ['/vault-integrations/{id}', 'get', ['400', '401', '404', '500']],
      ['/audit-records', 'get', ['400', '401', '500']],
      ['/readyz', 'get', ['503']],
    ];
    for (const [path, method, statuses] of expected) {
      const responses = operation(document, path, method).responses;
      for (const status of statuses) {
        const content = responses[status]?.content ?? {};
        expect(Object.keys(content), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ]);
        expect(content['application/problem+json']?.schema?.$ref).toBe(
          '#/components/schemas/Problem',
        );
      }
    }
  });

  it('gives every request body and every answer an example that its own schema accepts', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const documented: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, documentedOperation] of Object.entries(methods)) {
        const media = [
          ...Object.entries(documentedOperation.requestBody?.content ?? {}).map(
            ([type, content]) => [`${method} ${path} request ${type}`, type, content] as const,
          ),
          ...Object.entries(documentedOperation.responses).flatMap(([status, response]) =>
            Object.entries(response.content ?? {}).map(
              ([type, content]) => [`${method} ${path} ${status} ${type}`, type, content] as const,
            ),
          ),
        ];
        for (const [where, type, content] of media) {
          const examples = [
            ...(content.example === undefined ? [] : [content.example]),
            ...Object.values(content.examples ?? {}).map((named) => named.value),
          ];
          expect(examples.length, `${where} has no example`).toBeGreaterThan(0);
          // The schema is compiled with the components beside it, so its $refs resolve.
          const validate = ajv.compile({ ...content.schema, components: document.components });
          for (const example of examples) {
            for (const value of valuesOf(type, example)) {
              expect(validate(value), `${where}: ${ajv.errorsText(validate.errors)}`).toBe(true);
            }
          }
          documented.push(where);
        }
      }
    }
    // The walk reached the answers it exists for, not only the problem ones.
    expect(documented).toEqual(
      expect.arrayContaining([
        'post /vault-integrations request application/json',
        'post /vault-integrations 201 application/json',
        'get /vault-integrations 200 application/json',
        'delete /vault-integrations/{id} 200 application/json',
        'get /audit-records/export 200 application/x-ndjson',
        'get /audit-records/verification 200 application/json',
        'get /readyz 503 application/problem+json',
        'get /metrics 200 text/plain',
      ]),
    );
  });

  it('marks the probes as needing no credentials, and the rest as needing a caller key', () => {
    expect(operation(document, '/healthz', 'get').security).toEqual([]);
    expect(operation(document, '/readyz', 'get').security).toEqual([]);
    expect(operation(document, '/vault-integrations', 'post').security).toBeUndefined();
    expect((document as unknown as { security: unknown }).security).toEqual([{ callerKey: [] }]);
  });

  it.each([
    ['/vault-integrations', 'post', 'integrations:write'],
    ['/vault-integrations', 'get', 'integrations:read'],
    ['/vault-integrations/{id}', 'get', 'integrations:read'],
    ['/audit-records', 'get', 'audit:read'],
  ])('names the scope of %s %s as x-required-scope, with its 403 answer', (path, method, scope) => {
    const documented = operation(document, path, method);

    expect(documented['x-required-scope']).toBe(scope);
    expect(Object.keys(documented.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('documents the 429 answer of the write limit on POST /vault-integrations', () => {
    const responses = operation(document, '/vault-integrations', 'post').responses;

    expect(Object.keys(responses)).toContain('429');
  });

  it('shows no scope on the probes', () => {
    expect(operation(document, '/healthz', 'get')['x-required-scope']).toBeUndefined();
  });

  it('serves a browsable page at /docs', async () => {
    const answer = await harness.call('GET', '/docs', { headers: { authorization: '' } });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html\b/);
    expect(answer.text).toMatch(/<html/i);
  });
});

/** The values an example stands for: a JSON document, each line of JSON lines, or text. */
function valuesOf(mediaType: string, example: unknown): unknown[] {
  if (mediaType !== 'application/x-ndjson') return [example];
  return String(example)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

function operation(document: OpenApiDocument, path: string, method: string): Operation {
  const found = document.paths[path]?.[method];
  if (found === undefined) throw new Error(`the document has no ${method} ${path}`);
  return found;
}
