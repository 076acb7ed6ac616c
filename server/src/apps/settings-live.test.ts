import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { connectVisitor, handshake } from '../testing/visitor-client.js';

let server: TestServer;
let owner: HttpClient;
let app: { id: string; publicKey: string };
const sockets: Array<{ close(): void }> = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  app = (await owner.request('POST', '/api/apps', { name: 'Live settings', allowedOrigins: ['https://one.example.com'] })).json.data.app;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

async function connect(origin: string) {
  const socket = connectVisitor(server.url, { key: app.publicKey }, origin);
  sockets.push(socket);
  return handshake(socket);
}

describe('settings take effect for new widget connections without a restart', () => {
  it('appearance and when recording starts reach the next handshake', async () => {
    const before = await connect('https://one.example.com');
    expect(before.ok && before.ready.settings.appearance.greeting).toBe('Hi! How can we help?');

    const patch = await owner.request('PATCH', `/api/apps/${app.id}`, {
      settings: { color: '#0f766e', position: 'left', greeting: 'Ahoy <b>there</b>', recording: { startOn: 'open' } },
    });
    expect(patch.status).toBe(200);

    const after = await connect('https://one.example.com');
    if (!after.ok) throw new Error(after.error.code);
    expect(after.ready.settings.appearance).toEqual({ color: '#0f766e', position: 'left', greeting: 'Ahoy <b>there</b>' });
    expect(after.ready.settings.chat.startOn).toBe('open');
  });

  it('allowed origins: a newly added origin connects, a removed one is refused', async () => {
    expect((await connect('https://two.example.com')).ok).toBe(false);
    await owner.request('PATCH', `/api/apps/${app.id}`, { allowedOrigins: ['https://two.example.com'] });
    expect((await connect('https://two.example.com')).ok).toBe(true);
    const removed = await connect('https://one.example.com');
    expect(removed.ok ? 'connected' : removed.error.code).toBe('E_ORIGIN_NOT_ALLOWED');
  });

  it('every other setting is stored and read back as patched (owner sees the identity secret)', async () => {
    const settings = {
      ai: { enabled: false, systemPrompt: 'Be brief.', knowledge: 'We ship in 2 days.', dailyTokenCap: 5000 },
      recording: { maskAllInputs: false, blockSelectors: ['.card-number'], maskSelectors: ['.address'] },
      retentionDays: 7,
      identity: { secret: 'a-secret-of-sixteen-chars', enforce: true },
      privacy: { notifyWhenWatched: false },
    };
    const res = await owner.request('PATCH', `/api/apps/${app.id}`, { settings });
    expect(res.status).toBe(200);
    const read = (await owner.request('GET', `/api/apps/${app.id}`)).json.data.app.settings;
    expect(read).toMatchObject(settings);
    expect(read.greeting).toBe('Ahoy <b>there</b>'); // a patch keeps what it does not name
  });
});
