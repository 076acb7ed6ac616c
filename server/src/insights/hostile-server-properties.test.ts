import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../protocol/error-codes.js';
import { isRecordedEvent } from '../protocol/recording-events.js';
import { ack, consoleSocket, SITE, waitFor, type ConsoleTestSocket } from '../testing/chat-test-kit.js';
import { describeHealth, probeHealth } from '../testing/health-probe.js';
import { HttpClient } from '../testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import type { TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../testing/visitor-client.js';
import { jsonHostileStream, wrongType } from './fixtures/hostile-arbitraries.js';

/**
 * Property-based layer (b) of issue 14, against the real server process over real sockets: each case
 * is a visitor storing hostile batches (recording:batch, with hostile seqs and payloads) while an agent
 * watches live, ending the session (insights run in the worker), and an agent reading the replay
 * manifest; then every session's insights and timeline are read. Meanwhile a probe polls /healthz:
 * every answer must come within 200 ms. Afterwards an honest visitor is served as ever.
 */
const CASES = 50;
const HEALTHZ_BOUND_MS = 200;
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): unknown[] => JSON.parse(readFileSync(path.join(here, 'fixtures', `${name}.json`), 'utf8'));

let server: ServerProcess;
let owner: HttpClient;
let agent: ConsoleTestSocket;
let app: { id: string; publicKey: string };

beforeAll(async () => {
  server = await startServerProcess();
  owner = new HttpClient(server.url);
  await owner.signIn();
  app = (await owner.request('POST', '/api/apps', { name: 'Hostile properties', allowedOrigins: [SITE] })).json.data.app;
  agent = await consoleSocket({ url: server.url } as TestServer, owner.cookie);
});
afterAll(async () => {
  agent?.close();
  if (server) {
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    await server.dispose();
    clearTimeout(killer);
  }
});

const hostileSeq = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, 999_999_999, 1e9, 1e308, '1', null) });
const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value));
const hostileBody = fc.oneof(
  // Mostly batches the ingest stores (every event's type and timestamp in bounds, the rest hostile)…
  { weight: 6, arbitrary: jsonHostileStream.map((events) => gzipJson(events.filter(isRecordedEvent))) },
  // …and some it must refuse with a code.
  { weight: 2, arbitrary: jsonHostileStream.map(gzipJson) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: wrongType },
);
const hostileCase = fc.record({
  batches: fc.array(fc.record({ seq: hostileSeq, data: hostileBody }), { minLength: 1, maxLength: 6 }),
  garbage: wrongType,
});

/** An acknowledgement is `{ data }` or `{ error }` with a code from the catalogue, nothing else. */
function expectTypedAck(answer: unknown) {
  const { data, error } = (answer ?? {}) as { data?: unknown; error?: { code?: unknown } };
  if (error) expect(isErrorCode(error.code)).toBe(true);
  else expect(data).toBeDefined();
}

async function newVisitorSession(): Promise<{ visitor: VisitorTestSocket; sessionId: string }> {
  const visitor = connectVisitor(server.url, { key: app.publicKey }, SITE);
  expect((await handshake(visitor)).ok).toBe(true);
  const started = await command<any>(visitor, 'session:start', { url: `${SITE}/`, viewport: { width: 800, height: 600 } });
  return { visitor, sessionId: started.data.session.id };
}

const insightsOf = (sessionId: string) => owner.request('GET', `/api/apps/${app.id}/sessions/${sessionId}/insights`);

describe('hostile recordings against the running server (fast-check)', () => {
  it(`stores, completes, analyses, lists and fans out ${CASES} hostile recordings while /healthz answers within ${HEALTHZ_BOUND_MS} ms (beyond an idle process's time), then serves an honest visitor`, async () => {
    const probe = await probeHealth(server.url, { intervalMs: 25 });
    const sessions: string[] = [];
    let liveBatches = 0;
    let storedBatches = 0;
    agent.on('replay:batch', () => (liveBatches += 1));

    await fc.assert(
      fc.asyncProperty(hostileCase, async ({ batches, garbage }) => {
        const { visitor, sessionId } = await newVisitorSession();
        sessions.push(sessionId);
        try {
          expect(await ack(agent, 'replay:watch', { sessionId })).toMatchObject({ data: { watchers: 1 } });
          expectTypedAck(await command(visitor, 'recording:start', { sessionId }));
          for (const { seq, data } of batches) {
            const answer = await command<{ data?: { stored: boolean } }>(visitor, 'recording:batch', { sessionId, seq, data });
            expectTypedAck(answer);
            if (answer.data?.stored) storedBatches += 1;
          }
          expectTypedAck(await command(visitor, 'recording:batch', garbage));
          expectTypedAck(await command(visitor, 'session:end'));
          const manifest = await owner.request('GET', `/api/apps/${app.id}/sessions/${sessionId}/replay`);
          expect(manifest.status).toBe(200);
          const seqs: number[] = manifest.json.data.chunks.map((chunk: { seq: number }) => chunk.seq);
          expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
          await ack(agent, 'replay:unwatch', { sessionId });
        } finally {
          visitor.close();
        }
      }),
      { numRuns: CASES },
    );

    // Every session's insights were computed in the background (ready, or failed within limits with a
    // note), and its timeline is derived again on request, through the worker.
    for (const sessionId of sessions) {
      const settled = await waitFor(async () => {
        const response = await insightsOf(sessionId);
        if (response.status === 422) return response.json.error.code === 'E_ANALYSIS_FAILED' && response;
        return response.status === 200 && response.json.data.status === 'ready' && response;
      }, `insights of ${sessionId}`, 30_000);
      if (settled.status === 200) expect(settled.json.data.timeline.length).toBeLessThanOrEqual(500);
    }

    // An honest visitor afterwards: recorded, ended and explained as ever.
    const honest = await newVisitorSession();
    await command(honest.visitor, 'recording:start', { sessionId: honest.sessionId });
    const data = gzipSync(JSON.stringify([...fixture('form-abandoned'), ...fixture('late-error')]));
    expect(await command(honest.visitor, 'recording:batch', { sessionId: honest.sessionId, seq: 1, data })).toMatchObject({ data: { stored: true, ackedThrough: 1 } });
    await command(honest.visitor, 'session:end');
    const insights = await waitFor(async () => {
      const response = await insightsOf(honest.sessionId);
      return response.status === 200 && response.json.data.status === 'ready' && response.json.data;
    }, 'the honest visitor’s insights', 30_000);
    honest.visitor.close();
    expect(insights.signals.map((signal: { type: string }) => signal.type)).toEqual(['js_error', 'form_abandonment']);

    const health = await probe.stop();
    console.info(`hostile server properties: ${sessions.length} cases (${storedBatches} hostile batches stored, ${liveBatches} fanned out live); ${describeHealth(health)}`);
    expect(agent.connected).toBe(true);
    expect(health.failures).toBe(0);
    expect(health.maxExcessMs).toBeLessThan(HEALTHZ_BOUND_MS);
  }, 120_000);
});
