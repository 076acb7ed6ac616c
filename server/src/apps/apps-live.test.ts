import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake } from '../testing/visitor-client.js';

let server: TestServer;
let owner: HttpClient;
const closers: Array<{ close(): void }> = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
});
afterAll(async () => {
  for (const closer of closers) closer.close();
  await server?.close();
});

describe('creating an application', () => {
  it("puts the creator's already open console in its live room without a reload", async () => {
    const consoleSocket: Socket<ConsoleServerToClient, ConsoleClientToServer> = io(`${server.url}/console`, {
      transports: ['websocket'], extraHeaders: { cookie: owner.cookie }, reconnection: false, forceNew: true,
    });
    closers.push(consoleSocket);
    await new Promise((resolve, reject) => {
      consoleSocket.once('console:ready', resolve);
      consoleSocket.once('connect_error', reject);
    });

    const created = (await owner.request('POST', '/api/apps', { name: 'Made while watching', allowedOrigins: ['https://new.example.com'] })).json.data.app;
    const seen = new Promise<{ id: string; appId: string }>((resolve) => consoleSocket.once('session:changed', ({ session }) => resolve(session)));

    const visitor = connectVisitor(server.url, { key: created.publicKey }, 'https://new.example.com');
    closers.push(visitor);
    expect((await handshake(visitor)).ok).toBe(true);
    const ack = await command<{ data: { session: { id: string } } }>(visitor, 'session:start', { url: 'https://new.example.com/', viewport: { width: 1, height: 1 } });

    const session = await seen;
    expect(session).toMatchObject({ id: ack.data.session.id, appId: created.id });
  });
});
