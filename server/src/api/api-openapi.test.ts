import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { API_OPERATIONS } from './api-operations.js';
import { apiRequest, createToken, recordedApp, type RecordedApp } from './api-test-kit.js';

type Json = Record<string, any>;
let server: TestServer;
let app: RecordedApp;
let doc: Json;

beforeAll(async () => {
  server = await startTestServer();
  app = await recordedApp(server, 'Documented shop');
  const answer = await fetch(`${server.url}/api/openapi.json`);
  expect(answer.status).toBe(200);
  doc = (await answer.json()) as Json;
});
afterAll(async () => {
  app?.close();
  await server?.close();
});

/** Every `$ref` anywhere in the document. */
function refsOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refsOf(item, found);
    }
  }
  return found;
}

/** A JSON pointer within the document (`#/components/schemas/Session`), or undefined. */
function resolve(pointer: string): unknown {
  return pointer
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined), doc);
}

/** The document's schema for an answer, as a validator: its components become `$defs` of one JSON Schema. */
function validatorOf(schema: Json): z.ZodType {
  const rewrite = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
  return z.fromJSONSchema({ $defs: rewrite(doc.components.schemas), ...(rewrite(schema) as Json) } as never);
}

function responseSchema(path: string, method: string, status: string): Json {
  const content = doc.paths[path][method].responses[status].content as Json;
  return Object.values(content)[0].schema as Json;
}

describe('the OpenAPI document (issue 22)', () => {
  it('is OpenAPI 3.1.0 with every operation answering something, and every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })));
    expect(operations.length).toBeGreaterThan(0);
    for (const { path, method, op } of operations) {
      expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
      expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const response of Object.values(op.responses as Json)) expect(response.description).toEqual(expect.any(String));
      // Every `{param}` in the path is declared as a required path parameter.
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
    }
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
  });

  it('is valid against the OpenAPI 3.1 specification\'s own schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists exactly the operations the server routes', () => {
    const documented = Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(API_OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
  });

  it("matches the live answers of every listed operation, and of a refusal", async () => {
    const { secret } = await createToken(app.owner, app.appId, 'write');
    const paramsOf = { appId: app.appId, sessionId: app.sessionId, visitorId: app.visitorId };
    // The erasure last: it deletes what the others read.
    const ordered = [...API_OPERATIONS].sort((x, y) => Number(x.method === 'delete') - Number(y.method === 'delete'));
    const checked: string[] = [];
    for (const operation of ordered) {
      const path = operation.path.replace(/\{(\w+)\}/g, (_, name: keyof typeof paramsOf) => paramsOf[name]);
      const answer = await apiRequest(server.url, secret, operation.method.toUpperCase(), path);
      expect([operation.id, answer.status], answer.text).toEqual([operation.id, 200]);
      const result = validatorOf(responseSchema(operation.path, operation.method, '200')).safeParse(answer.json);
      expect(result.success ? null : result.error.issues, `${operation.id}: ${answer.text.slice(0, 500)}`).toBeNull();
      checked.push(operation.id);
      // What the answers hold, not only their shape.
      if (operation.id === 'exportRecording') expect(answer.json).toEqual(app.events);
      if (operation.id === 'listSessions') expect(answer.json.data.items.map((s: Json) => s.id)).toEqual([app.sessionId]);
      if (operation.id === 'getSession') expect(answer.json.data.transcript.map((m: Json) => [m.role, m.text])).toContainEqual(['visitor', 'Where is my order?']);
      if (operation.id === 'listConversations') {
        expect(answer.json.data.items.map((c: Json) => c.sessionId)).toEqual([app.sessionId]);
        // The view, the search and the page size reach the list (the search lists are written a moment after the session).
        const conversationIds = async (query: string) => (await apiRequest(server.url, secret, 'GET', `${path}?${query}`)).json.data.items.map((c: Json) => c.sessionId);
        await expect.poll(() => conversationIds(`view=all&q=${app.visitorId}&limit=1`), { timeout: 10_000 }).toEqual([app.sessionId]);
        expect(await conversationIds('view=resolved')).toEqual([]);
        expect(await conversationIds('view=all&q=no-such-visitor')).toEqual([]);
        expect((await apiRequest(server.url, secret, 'GET', `${path}?limit=0`)).status).toBe(400);
      }
    }
    expect(checked.sort()).toEqual(API_OPERATIONS.map((op) => op.id).sort());

    const refused = await apiRequest(server.url, null, 'GET', `/api/v1/apps/${app.appId}/sessions`);
    expect(refused.status).toBe(401);
    expect(validatorOf(responseSchema(API_OPERATIONS[0].path, 'get', '401')).safeParse(refused.json).success).toBe(true);
  });
});
