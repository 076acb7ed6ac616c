import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSocket, recordEvents, waitFor } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, TEST_OWNER, type TestServer } from '../testing/test-server.js';

/** Issue 18: a user changes their password; every other sign-in of theirs ends at once. */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('changing one\'s password', () => {
  it('needs the current password, keeps this sign-in, and ends the others (their open consoles too)', async () => {
    const here = new HttpClient(server.url);
    const elsewhere = new HttpClient(server.url);
    await here.signIn();
    await elsewhere.signIn();
    const elsewhereConsole = await consoleSocket(server, elsewhere.cookie);
    const ended = recordEvents(elsewhereConsole as never, ['console:access-ended']);

    const wrong = await here.request('POST', '/api/auth/password', { currentPassword: 'not-my-password', newPassword: 'a-new-password-1' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('E_WRONG_PASSWORD');
    const short = await here.request('POST', '/api/auth/password', { currentPassword: TEST_OWNER.password, newPassword: 'short' });
    expect(short.json.error.code).toBe('E_INVALID_PAYLOAD');
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(200);

    const changed = await here.request('POST', '/api/auth/password', { currentPassword: TEST_OWNER.password, newPassword: 'a-new-password-1' });
    expect(changed.status).toBe(200);
    expect(changed.json.data.endedSignIns).toBe(1);
    expect((await here.request('GET', '/api/auth/me')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(401);
    await waitFor(() => ended.length > 0 && elsewhereConsole.disconnected, 'the other console ended');

    const again = new HttpClient(server.url);
    await expect(again.signIn(TEST_OWNER.email, TEST_OWNER.password)).rejects.toThrow();
    await again.signIn(TEST_OWNER.email, 'a-new-password-1');
    expect((await again.request('GET', '/api/auth/me')).status).toBe(200);
  });

  it('is refused without a sign-in', async () => {
    const anonymous = new HttpClient(server.url);
    const refused = await anonymous.request('POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'a-new-password-2' });
    expect(refused.status).toBe(401);
  });
});
