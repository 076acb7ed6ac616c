import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf, chatVisitor, createChatApp, SITE, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/**
 * Heatmaps through the server: a visitor's recorded clicks are counted when the session completes
 * (from the insights' analysis, in its worker), a recompute does not count them again, and the
 * route answers members only, refusing a malformed query with E_INVALID_PAYLOAD.
 */
let server: TestServer;
let owner: HttpClient;
let shop: { id: string; publicKey: string };
let other: { id: string; publicKey: string };
let visitor: ChatVisitor;
const today = new Date().toISOString().slice(0, 10);
const heatmapUrl = (appId: string, query: string) => `/api/apps/${appId}/heatmaps?${query}`;

/** A pricing page at 1280×700: two clicks at the top, a scroll of 1,000 px, one click below it. */
function pricingVisit(start: number): unknown[] {
  return [
    { type: 4, timestamp: start, data: { href: `${SITE}/pricing/`, width: 1280, height: 700 } },
    { type: 2, timestamp: start + 1, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } } },
    { type: 3, timestamp: start + 2, data: { source: 2, type: 2, id: 5, x: 640, y: 100 } },
    { type: 3, timestamp: start + 3, data: { source: 2, type: 2, id: 5, x: 641, y: 110 } },
    { type: 3, timestamp: start + 4, data: { source: 3, id: 1, x: 0, y: 1_000 } },
    { type: 3, timestamp: start + 5, data: { source: 2, type: 2, id: 5, x: 32, y: 50 } },
  ];
}

beforeAll(async () => {
  server = await startTestServer();
  ({ owner, app: shop } = await createChatApp(server, 'Heat shop'));
  ({ app: other } = await createChatApp(server, 'Other heat shop'));
  visitor = await chatVisitor(server, shop.publicKey);
  await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
  const events = pricingVisit(Date.now());
  await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: gzipSync(Buffer.from(JSON.stringify(events.slice(0, 3)))) });
  await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 2, data: gzipSync(Buffer.from(JSON.stringify(events.slice(3)))) });
});
afterAll(async () => {
  visitor?.socket.close();
  await server?.close();
});

describe('heatmaps routes', () => {
  it('counts a completed session’s clicks and scroll once, even when its insights are computed again', async () => {
    const query = `path=${encodeURIComponent('/pricing')}&from=${today}&to=${today}&width=desktop`;
    expect((await owner.request('GET', heatmapUrl(shop.id, query))).json.data).toMatchObject({ views: 0, clicks: 0, cells: [], snapshot: null });
    await command(visitor.socket, 'session:end');
    const heatmap = await waitFor(async () => {
      const data = (await owner.request('GET', heatmapUrl(shop.id, query))).json.data;
      return data.views > 0 && data;
    }, 'the session to be counted');
    expect(heatmap).toMatchObject({ views: 1, clicks: 3, columns: 32, rowPx: 32, bandPx: 100 });
    // 640/1280 of the width, 100 and 110 px down: one cell; 32 px across after scrolling 1,000 px: row (1000 + 50) / 32.
    expect(heatmap.cells.sort()).toEqual([
      [0, 32, 1],
      [16, 3, 2],
    ]);
    // The deepest the visitor saw was 1,000 + 700 px: bands 0..17.
    expect(heatmap.reached).toEqual(Array.from({ length: 18 }, () => 1));
    expect(heatmap.snapshot).toMatchObject({ sessionId: visitor.sessionId, firstSeq: 1, lastSeq: 1, href: `${SITE}/pricing/`, width: 1280, height: 700 });
    const recomputed = await owner.request('POST', `/api/apps/${shop.id}/sessions/${visitor.sessionId}/insights`, {});
    expect(recomputed.status).toBe(200);
    const again = (await owner.request('GET', heatmapUrl(shop.id, query))).json.data;
    // Cells are a set: compared in one order (the first read's were sorted above).
    again.cells.sort();
    expect(again).toEqual(heatmap);
    // The same counts under the pattern of every page, and none on mobile.
    // (The session's other buckets are written a moment after its first one.)
    const everyPage = await waitFor(async () => {
      const data = (await owner.request('GET', heatmapUrl(shop.id, `path=/*&from=${today}&to=${today}`))).json.data;
      return data.views > 0 && data;
    }, 'every bucket of the session');
    expect(everyPage).toMatchObject({ views: 1, clicks: 3 });
    expect((await owner.request('GET', heatmapUrl(shop.id, `path=/*&from=${today}&to=${today}&width=mobile`))).json.data).toMatchObject({ views: 0, clicks: 0 });
  });

  it('answers members of the application only', async () => {
    const query = `path=/pricing&from=${today}&to=${today}`;
    const outsider = await agentOf(server, [other.id]);
    expect((await outsider.request('GET', heatmapUrl(shop.id, query))).status).toBe(404);
    expect((await new HttpClient(server.url).request('GET', heatmapUrl(shop.id, query))).status).toBe(401);
  });

  it('refuses a malformed path, day, width or range with E_INVALID_PAYLOAD', async () => {
    for (const query of [
      `path=pricing&from=${today}&to=${today}`,
      `path=/a*b&from=${today}&to=${today}`,
      `path=/a/b/c/d/*&from=${today}&to=${today}`,
      `path=/pricing&from=2026-13-45&to=${today}`,
      `path=/pricing&from=${today}&to=${today}&width=watch`,
      `path=/pricing&from=2024-01-01&to=2026-01-01`,
      `path=/pricing&from=2026-11-02&to=2026-11-01`,
      `path=/pricing`,
    ]) {
      const response = await owner.request('GET', heatmapUrl(shop.id, query));
      expect(response.status, query).toBe(400);
      expect(response.json.error.code).toBe('E_INVALID_PAYLOAD');
    }
  });

  it('erasing a visitor drops the snapshots naming their sessions (the address may carry their data) and keeps the anonymous counts', async () => {
    const query = (path: string) => `path=${encodeURIComponent(path)}&from=${today}&to=${today}`;
    for (const path of ['/pricing', '/*']) expect((await owner.request('GET', heatmapUrl(shop.id, query(path)))).json.data.snapshot).toMatchObject({ sessionId: visitor.sessionId });
    expect((await owner.request('DELETE', `/api/apps/${shop.id}/visitors/${visitor.visitorId}`)).status).toBe(200);
    for (const path of ['/pricing', '/*']) {
      expect((await owner.request('GET', heatmapUrl(shop.id, query(path)))).json.data, path).toMatchObject({ views: 1, clicks: 3, snapshot: null });
    }
  });

  it('erasing the application erases its heatmaps (counts, claims and snapshots)', async () => {
    const heatmapDocuments = async () => {
      let count = 0;
      for await (const { document } of server.db.documents(['heatmaps'])) if (String(document._id).startsWith(`${shop.id}:`)) count += 1;
      return count;
    };
    expect(await heatmapDocuments()).toBeGreaterThan(0);
    expect((await owner.request('DELETE', `/api/apps/${shop.id}`, { confirmName: 'Heat shop' })).status).toBe(200);
    expect(await heatmapDocuments()).toBe(0);
  });
});
