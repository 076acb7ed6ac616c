import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatVisitor, createChatApp } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { apiRequest, createToken, recordedEvents } from './api-test-kit.js';

/** More chunks than one database read of the export takes (64), so it reads in several. */
const BATCHES = 70;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the recording export (issue 22)', () => {
  it(`gives back every event of ${BATCHES} batches, in order, as one JSON array`, async () => {
    const { owner, app } = await createChatApp(server, 'Long visit');
    const visitor = await chatVisitor(server, app.publicKey);
    try {
      await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
      const sent: Array<Record<string, unknown>> = [];
      for (let seq = 1; seq <= BATCHES; seq++) {
        // An empty batch among them adds nothing (and no stray comma).
        const events = seq === 35 ? [] : recordedEvents(2, seq * 1_000);
        const ack = await command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq, data: gzipSync(JSON.stringify(events)) });
        if (ack.data?.stored) sent.push(...events);
        else expect(events).toEqual([]); // only the empty one may be refused
      }
      const { secret } = await createToken(owner, app.id, 'read');
      const answer = await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${app.id}/sessions/${visitor.sessionId}/recording`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.json).toEqual(sent);
      expect(sent.length).toBe((BATCHES - 1) * 2);

      // Completed and compacted (issue 20): the same array, read from its segments.
      await server.app.sessions.end(visitor.sessionId, 'visitor-ended');
      expect(['compacted', 'compacted-before']).toContain(await server.app.compaction.compact(visitor.sessionId));
      expect(await server.db.repos.recordingSegments.layout(visitor.sessionId)).not.toBeNull();
      expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${app.id}/sessions/${visitor.sessionId}/recording`)).json).toEqual(sent);
    } finally {
      visitor.socket.close();
    }
  });
});
