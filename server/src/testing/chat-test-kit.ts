import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { hashPasswordNow as hashPassword } from '../auth/password-hashing.js';
import type { ChatMessage } from '../protocol/chat-events.js';
import { HttpClient } from './http-client.js';
import type { TestServer } from './test-server.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from './visitor-client.js';

/** Helpers for chat tests: a visitor with a started session, console sockets, event recorders. */

export const SITE = 'https://chat.example';
export const newClientId = (): string => `c_${randomBytes(9).toString('base64url')}`;

export async function createChatApp(server: TestServer, name = 'Chat shop') {
  const owner = new HttpClient(server.url);
  await owner.signIn();
  const created = await owner.request('POST', '/api/apps', { name, allowedOrigins: [SITE] });
  return { owner, app: created.json.data.app as { id: string; publicKey: string } };
}

/** Records every event of the given names, in arrival order. */
export function recordEvents(socket: Pick<Socket, 'on'>, names: string[]) {
  const events: Array<{ name: string; payload: any }> = [];
  for (const name of names) socket.on(name, (payload: unknown) => events.push({ name, payload }));
  return events;
}

export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ChatVisitor {
  socket: VisitorTestSocket;
  visitorId: string;
  visitorToken: string;
  sessionId: string;
  events: Array<{ name: string; payload: any }>;
  send(text: string, clientId?: string): Promise<any>;
}

/** A visitor connected from SITE with a started session, recording chat events. */
export async function chatVisitor(
  server: TestServer,
  key: string,
  /** `visitorId` and `visitorToken` of an earlier visit make this the same visitor again (another page). */
  options: { visitorId?: string; visitorToken?: string; identity?: Record<string, string> } = {},
): Promise<ChatVisitor> {
  const { visitorId, visitorToken, identity } = options;
  const socket = connectVisitor(server.url, { key, visitorId, visitorToken, identity } as never, SITE);
  const events = recordEvents(socket as never, ['chat:message', 'chat:stream-start', 'chat:delta', 'chat:stream-end', 'chat:state']);
  const outcome = await handshake(socket);
  if (!outcome.ok) throw new Error(`handshake refused: ${outcome.error.code}`);
  const started = await command<any>(socket, 'session:start', { url: `${SITE}/`, viewport: { width: 1200, height: 800 } });
  return {
    socket,
    visitorId: outcome.ready.visitorId,
    visitorToken: outcome.ready.visitorToken,
    sessionId: started.data.session.id,
    events,
    send: (text, clientId = newClientId()) => command<any>(socket, 'chat:send', { text, clientId }),
  };
}

export type ConsoleTestSocket = Socket;

export function consoleSocket(server: TestServer, cookie: string): Promise<ConsoleTestSocket> {
  const socket = io(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('console:ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export const ack = <T = any>(socket: Pick<Socket, 'emit'>, event: string, ...args: unknown[]) =>
  new Promise<T>((resolve) => (socket.emit as (...a: unknown[]) => void)(event, ...args, resolve));

/** A signed-in agent who is a member of `appIds` only. */
export async function agentOf(server: TestServer, appIds: string[]) {
  const email = `agent-${randomBytes(4).toString('hex')}@test.local`;
  const password = 'agent-password-123';
  await server.db.repos.users.create({ email, passwordHash: hashPassword(password), role: 'agent', appIds });
  const client = new HttpClient(server.url);
  await client.signIn(email, password);
  return client;
}

export const messagesOf = (events: ChatVisitor['events']): ChatMessage[] =>
  events.filter((event) => event.name === 'chat:message').map((event) => event.payload.message as ChatMessage);
