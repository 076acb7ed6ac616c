import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';

const SHOP = 'https://shop.example';
const TOKEN = 'scrape-token-0123456789';
const batch = gzipSync(JSON.stringify([{ type: 3, timestamp: 1_000, data: { source: 1, positions: [] } }]));
let open: TestServer;
let guarded: TestServer;

beforeAll(async () => {
  [open, guarded] = await Promise.all([startTestServer(), startTestServer({ METRICS_TOKEN: TOKEN })]);
});
afterAll(() => Promise.all([open?.close(), guarded?.close()]));

const scrape = (server: TestServer, headers: Record<string, string> = {}) => fetch(`${server.url}/metrics`, { headers });

describe('GET /metrics', () => {
  it('gives this node\'s ingest figures in Prometheus format to a client on this host', async () => {
    const { key } = await createSiteApp(open, [SHOP]);
    const { socket, sessionId } = await startVisitorSession(open.url, { key }, SHOP);
    expect((await command<any>(socket, 'recording:start', { sessionId })).data.nextSeq).toBe(1);
    expect((await command<any>(socket, 'recording:batch', { sessionId, seq: 1, data: batch })).data.stored).toBe(true);
    expect((await command<any>(socket, 'recording:batch', { sessionId, seq: 1, data: batch })).data.stored).toBe(false);

    const response = await scrape(open);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^chatreel_ingest_ack_seconds_count\{outcome="stored"\} 1$/m);
    expect(text).toMatch(/^chatreel_ingest_batches_total\{outcome="duplicate"\} 1$/m);
    expect(text).toMatch(new RegExp(`^chatreel_ingest_bytes_total ${2 * batch.length}$`, 'm'));
    expect(text).toMatch(/^chatreel_ingest_group_commit_chunks_count 2$/m);
    expect(text).toMatch(/^chatreel_db_round_trip_seconds_count\{operation="chunk-group-insert"\} 2$/m);
    expect(text).toMatch(/^chatreel_connected_visitors 1$/m);
    expect(text).toMatch(/^chatreel_connected_agents 0$/m);
    expect(text).toMatch(/^chatreel_ingest_pending_bytes 0$/m);
    expect(text).toMatch(/^chatreel_ingest_write_behind_sessions \d+$/m);
    socket.close();
  });

  it('is not found through a proxy (X-Forwarded-For) when no token is configured', async () => {
    const response = await scrape(open, { 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('E_NOT_FOUND');
  });

  it('with METRICS_TOKEN, answers only the bearer of that token', async () => {
    expect((await scrape(guarded)).status).toBe(404);
    expect((await scrape(guarded, { authorization: `Bearer ${TOKEN}x` })).status).toBe(404);
    expect((await scrape(guarded, { authorization: 'Bearer short' })).status).toBe(404);
    const response = await scrape(guarded, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^chatreel_connected_visitors 0$/m);
  });
});
