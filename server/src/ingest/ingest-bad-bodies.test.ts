import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake } from '../testing/visitor-client.js';

let server: TestServer;
let sessionId: string;
let token: string;
const SHOP = 'https://shop.example';
const events = JSON.stringify([{ type: 3, timestamp: 1000, data: { source: 1, positions: [] } }]);

beforeAll(async () => {
  server = await startTestServer();
  const { key } = await createSiteApp(server, [SHOP]);
  const socket = connectVisitor(server.url, { key }, SHOP);
  await handshake(socket);
  sessionId = (await command<any>(socket, 'session:start', { url: `${SHOP}/`, viewport: { width: 800, height: 600 } })).data.session.id;
  token = (await command<any>(socket, 'recording:start', { sessionId })).data.token;
  socket.close();
});
afterAll(() => server?.close());

/** A raw HTTP POST, so headers fetch would refuse (a huge Content-Length) reach the server as sent. */
function rawPost(query: string, body: Buffer, headers: Record<string, string | number>): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${server.url}/ingest?${query}`);
    const req = httpRequest(url, { method: 'POST', headers: { origin: SHOP, ...headers } }, (res) => {
      let text = '';
      res.on('data', (part: Buffer) => (text += part.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = JSON.parse(text).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const query = (overrides: Record<string, string | string[]> = {}) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ sessionId, seq: '1', token, ...overrides })) {
    for (const one of [value].flat()) params.append(name, one);
  }
  return params.toString();
};

describe('POST /ingest with hostile bodies and parameters', () => {
  it('answers every broken body or parameter with a 4xx and a catalogued code, never a 500', async () => {
    const gzipped = gzipSync(events);
    const cases: Array<[string, string, Buffer, Record<string, string | number>]> = [
      ['Content-Encoding gzip with garbage', query(), Buffer.from('definitely not gzip'), { 'content-encoding': 'gzip' }],
      ['Content-Encoding gzip, truncated', query(), gzipSync(gzipped).subarray(0, 12), { 'content-encoding': 'gzip' }],
      ['Content-Encoding deflate with garbage', query(), Buffer.from('xxxxxxxx'), { 'content-encoding': 'deflate' }],
      ['Content-Encoding br', query(), gzipped, { 'content-encoding': 'br' }],
      ['a truncated gzip body', query(), gzipped.subarray(0, gzipped.length - 6), {}],
      ['a huge Content-Length', query(), Buffer.from('[]'), { 'content-length': 5_000_000_000 }],
      ['an odd content type', query(), gzipped, { 'content-type': 'application/x-www-form-urlencoded' }],
      ['encoding=json with invalid JSON', query({ encoding: 'json' }), Buffer.from('[{"type":'), {}],
      ['encoding=json with an object', query({ encoding: 'json' }), Buffer.from('{"type":3,"timestamp":1}'), {}],
      ['encoding=json with an empty body', query({ encoding: 'json' }), Buffer.alloc(0), {}],
      ['seq 1e9', query({ seq: '1e9' }), gzipped, {}],
      ['seq 1e2 (a number, but not how the widget writes one)', query({ seq: '1e2' }), gzipped, {}],
      ['seq 0x10', query({ seq: '0x10' }), gzipped, {}],
      ['seq NaN', query({ seq: 'NaN' }), gzipped, {}],
      ['seq -1', query({ seq: '-1' }), gzipped, {}],
      ['seq empty', query({ seq: '' }), gzipped, {}],
      ['seq twice (an array)', query({ seq: ['1', '2'] }), gzipped, {}],
      ['sessionId twice (an array)', query({ sessionId: [sessionId, sessionId] }), gzipped, {}],
      ['token twice (an array)', query({ token: [token, token] }), gzipped, {}],
      ['an unknown encoding', query({ encoding: 'zstd' }), gzipped, {}],
    ];
    const answers = [];
    for (const [name, q, body, headers] of cases) {
      const contentLength = headers['content-length'];
      const answer = await rawPost(q, body, { 'content-type': 'text/plain', ...headers, ...(contentLength ? {} : { 'content-length': body.length }) });
      answers.push({ name, ...answer });
    }
    for (const answer of answers) {
      expect(answer.status, answer.name).toBeGreaterThanOrEqual(400);
      expect(answer.status, answer.name).toBeLessThan(500);
      expect(answer.code, answer.name).toMatch(/^E_/);
    }
    // Nothing of it was stored, and an honest flush still is.
    expect(await server.db.repos.recordings.maxSeq(sessionId)).toBe(0);
    const honest = await rawPost(query({ encoding: 'json' }), Buffer.from(events), { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(events) });
    expect(honest).toEqual({ status: 200, code: undefined });
  });
});
