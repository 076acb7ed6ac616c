import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf, chatVisitor, createChatApp, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/** Insights without an API key (deterministic summaries) and the REST routes' access rules. */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): unknown[] => JSON.parse(readFileSync(path.join(here, 'fixtures', `${name}.json`), 'utf8'));

let server: TestServer;
let owner: HttpClient;
let shop: { id: string; publicKey: string };
let other: { id: string; publicKey: string };
let visitor: ChatVisitor;

beforeAll(async () => {
  server = await startTestServer();
  ({ owner, app: shop } = await createChatApp(server, 'Shop'));
  ({ app: other } = await createChatApp(server, 'Other shop'));
  visitor = await chatVisitor(server, shop.publicKey);
  await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
  const data = gzipSync(Buffer.from(JSON.stringify([...fixture('form-abandoned'), ...fixture('late-error'), ...fixture('error-click')])));
  await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data });
});
afterAll(async () => {
  visitor?.socket.close();
  await server?.close();
});

const url = (appId: string, sessionId: string) => `/api/apps/${appId}/sessions/${sessionId}/insights`;

describe('insights routes', () => {
  it('an active session has no stored insights yet, but its timeline is derived on request', async () => {
    const response = await owner.request('GET', url(shop.id, visitor.sessionId));
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({ status: 'none', computedAt: null, signals: [], summary: null });
    expect(response.json.data.timeline.map((entry: { text: string }) => entry.text)).toContain('Typed in “Email” (value not shown)');
    const rows = await owner.request('GET', `/api/apps/${shop.id}/sessions`);
    expect(rows.json.data.items.find((row: { id: string }) => row.id === visitor.sessionId)).toMatchObject({ signals: [], summary: null });
  });

  it('without an API key, completion stores signals, signalTypes and a deterministic summary labelled as such', async () => {
    await command(visitor.socket, 'session:end');
    const insights = await waitFor(async () => {
      const data = (await owner.request('GET', url(shop.id, visitor.sessionId))).json.data;
      return data.status === 'ready' && data;
    }, 'insights to be ready');
    // The recordings were made in this order: the error-click page, the late-error page, the form.
    const types = insights.signals.map((signal: { type: string }) => signal.type);
    expect(types).toEqual(['error_click', 'js_error', 'js_error', 'form_abandonment']);
    expect(insights.summary.source).toBe('deterministic');
    expect(insights.summary.text).toMatch(/\[\d\d:\d\d\] left “Checkout” unsent after filling 2 fields/);
    expect(insights.summary.text).toMatch(/\[\d\d:\d\d\] JavaScript error: .*analytics failed/);
    expect(Date.parse(insights.computedAt)).not.toBeNaN();
    const rows = await owner.request('GET', `/api/apps/${shop.id}/sessions`);
    // One entry per signal, as the replay's list shows them: the row's chips count two JavaScript errors.
    expect(rows.json.data.items.find((row: { id: string }) => row.id === visitor.sessionId)).toMatchObject({
      signals: types,
      summary: { text: insights.summary.text, source: 'deterministic' },
    });
  });

  it('recomputes on request and keeps the stored summary unless asked to regenerate', async () => {
    const before = (await owner.request('GET', url(shop.id, visitor.sessionId))).json.data.summary;
    const kept = await owner.request('POST', url(shop.id, visitor.sessionId), {});
    expect(kept.status).toBe(200);
    expect(kept.json.data.summary).toEqual(before);
    const regenerated = await owner.request('POST', url(shop.id, visitor.sessionId), { regenerateSummary: true });
    expect(regenerated.json.data.summary.source).toBe('deterministic');
    expect(regenerated.json.data.summary.generatedAt).not.toBe(before.generatedAt);
  });

  it('answers 404 for another application’s session, for non-members and for unknown sessions', async () => {
    const outsider = await agentOf(server, [other.id]);
    for (const method of ['GET', 'POST']) {
      // A member of the other app, asking through its own app or through the shop's.
      expect((await outsider.request(method, url(other.id, visitor.sessionId), method === 'POST' ? {} : undefined)).status).toBe(404);
      expect((await outsider.request(method, url(shop.id, visitor.sessionId), method === 'POST' ? {} : undefined)).status).toBe(404);
      // The owner, through the wrong app, an unknown id and a malformed one.
      expect((await owner.request(method, url(other.id, visitor.sessionId), method === 'POST' ? {} : undefined)).status).toBe(404);
      expect((await owner.request(method, url(shop.id, '0123456789abcdef01234567'), method === 'POST' ? {} : undefined)).status).toBe(404);
      expect((await owner.request(method, url(shop.id, 'not-an-id'), method === 'POST' ? {} : undefined)).status).toBe(404);
    }
    const anonymous = new HttpClient(server.url);
    expect((await anonymous.request('GET', url(shop.id, visitor.sessionId))).status).toBe(401);
  });

  it('refuses a malformed body with E_INVALID_PAYLOAD and changes nothing', async () => {
    const before = (await owner.request('GET', url(shop.id, visitor.sessionId))).json.data;
    const response = await owner.request('POST', url(shop.id, visitor.sessionId), { regenerateSummary: 'yes', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('E_INVALID_PAYLOAD');
    expect((await owner.request('GET', url(shop.id, visitor.sessionId))).json.data).toEqual(before);
  });
});
