/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate and serialize,
 * served at /openapi.json and browsable at /docs.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const DESCRIPTION = [
  'Sets up HashiCorp Vault as the certificate authority of a Tanzu Service Mesh with one call.',
  'Errors are RFC 9457 problem details with a stable `code`;',
  'validation errors point into the request with JSON pointers.',
].join(' ');

/** Registers the OpenAPI generator, /openapi.json and the /docs browser. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'TSM Vault integrations', version, description: DESCRIPTION },
      components: {
        securitySchemes: {
          callerKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A caller key (API_KEYS, API_KEYS_FILE) or a JWT of the identity provider; ' +
              "each operation's x-required-scope names the scope it needs.",
          },
        },
      },
      security: [{ callerKey: [] }],
      tags: [
        { name: 'integrations', description: 'Vault CA integrations in TSM' },
        { name: 'audit', description: 'The audit trail' },
        { name: 'health', description: 'Probes; no credentials needed' },
      ],
    },
    transform: withRequiredScope,
    // Components are named after the schemas' $id (Integration, Problem, ...), not def-0, def-1.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}

/** Shows each route's declared scope in its operation, as the x-required-scope extension. */
const withRequiredScope: SwaggerTransform = ({ schema, url, route }) => {
  const scope = route.config?.scope;
  return { schema: scope === undefined ? schema : { ...schema, 'x-required-scope': scope }, url };
};
