import { gzipSync } from 'node:zlib';
import { chatVisitor, createChatApp, SITE } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import type { TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/** Helpers for the REST API's tests: an application with a visitor who chatted and was recorded, and tokens. */

/** rrweb-shaped incremental events (mouse moves), `count` of them from `from` ms. */
export const recordedEvents = (count: number, from: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 3, timestamp: from + i, data: { source: 1, positions: [{ x: i, y: 1, id: 1, timeOffset: 0 }] } }));

export interface RecordedApp {
  owner: HttpClient;
  appId: string;
  key: string;
  sessionId: string;
  visitorId: string;
  /** Every event recorded, in order, as the export must give them back. */
  events: Array<Record<string, unknown>>;
  close(): void;
}

/** An application whose one visitor wrote a message and recorded two batches. */
export async function recordedApp(server: TestServer, name: string): Promise<RecordedApp> {
  const { owner, app } = await createChatApp(server, name);
  const visitor = await chatVisitor(server, app.publicKey);
  await visitor.send('Where is my order?');
  const batches = [recordedEvents(3, 1_000), recordedEvents(2, 2_000)];
  await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
  for (const [i, events] of batches.entries()) {
    const ack = await command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: i + 1, data: gzipSync(JSON.stringify(events)) });
    if (!ack.data?.stored) throw new Error(`batch not stored: ${JSON.stringify(ack)}`);
  }
  return { owner, appId: app.id, key: app.publicKey, sessionId: visitor.sessionId, visitorId: visitor.visitorId, events: batches.flat(), close: () => visitor.socket.close() };
}

/** Creates a token through the console's API; its secret is in the answer (and nowhere else, ever). */
export async function createToken(owner: HttpClient, appId: string, scope: 'read' | 'write', name = `${scope} token`) {
  const created = await owner.request('POST', `/api/apps/${appId}/api-tokens`, { name, scope });
  if (created.status !== 201) throw new Error(`token not created: ${created.status} ${created.text}`);
  return created.json.data as { token: { id: string; name: string; scope: string; prefix: string }; secret: string };
}

/** A request to /api/v1 bearing `secret` (no cookie, no Origin: as an integration's server sends it). */
export function apiRequest(baseUrl: string, secret: string | null, method: string, path: string) {
  return new HttpClient(baseUrl, null).request(method, path, undefined, secret ? { authorization: `Bearer ${secret}` } : {});
}

export { SITE };
