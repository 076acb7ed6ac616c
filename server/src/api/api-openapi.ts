import { z } from 'zod';
import { apiNamedSchemas } from '../protocol/rest-api.js';
import { API_RATE_WINDOW_MS, API_REQUESTS_PER_TOKEN_PER_WINDOW } from '../protocol/limits.js';
import { API_OPERATIONS } from './api-operations.js';

type JsonSchema = Record<string, unknown>;
/** The version of the API's contract (the /api/v1 paths), not of the server. */
const API_VERSION = '1.0.0';
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Errors each operation may answer, besides its own success. */
const ERROR_STATUSES = {
  '400': 'The query or a parameter is not valid (E_INVALID_PAYLOAD).',
  '401': 'No valid API token: missing, unknown, revoked, or its creator lost the application (E_UNAUTHORIZED).',
  '403': 'The token is for another application, or read-only for a write (E_FORBIDDEN).',
  '404': 'No such session or visitor in this application (E_NOT_FOUND).',
  '429': `Over the token’s ${API_REQUESTS_PER_TOKEN_PER_WINDOW} requests per ${API_RATE_WINDOW_MS / 1000} s (E_RATE_LIMITED); see Retry-After.`,
} as const;

/** Drops what JSON Schema puts at a document's root but OpenAPI wants nowhere inside components. */
function component(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the protocol's zod schemas (rest-api.ts) and
 * the operation list (api-operations.ts): the schemas the routes parse their answers with are the ones
 * documented here. OpenAPI 3.1's schema dialect is JSON Schema 2020-12, which zod writes.
 */
export function openApiDocument(): JsonSchema {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(apiNamedSchemas)) registry.add(schema, { id });
  for (const operation of API_OPERATIONS) registry.add(operation.response, { id: `${operation.id[0].toUpperCase()}${operation.id.slice(1)}Response` });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonSchema> };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of API_OPERATIONS) {
    const pathParams = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    const query = 'query' in operation ? (z.toJSONSchema(operation.query, { target: 'draft-2020-12', io: 'input' }) as { properties?: Record<string, JsonSchema> }) : null;
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      schema: component(schema),
    }));
    const id = `${operation.id[0].toUpperCase()}${operation.id.slice(1)}Response`;
    const contentType = 'contentType' in operation ? String(operation.contentType) : 'application/json';
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = {
      operationId: operation.id,
      summary: operation.summary,
      security: [{ apiToken: [] }],
      'x-token-scope': operation.scope,
      parameters: [...pathParams, ...queryParams],
      responses: {
        '200': { description: 'Success.', content: { [contentType]: { schema: ref(id) } } },
        ...Object.fromEntries(Object.entries(ERROR_STATUSES).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ref('Error') } } }])),
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Chatreel API',
      version: API_VERSION,
      description: 'Read sessions, conversations and recordings of one application, and erase visitors. Create a token in the console (Settings → API tokens) and send it as `Authorization: Bearer crt_…`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An API token of the application (crt_…).' } },
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, component(schema)])),
    },
  };
}
