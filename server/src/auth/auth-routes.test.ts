import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW, LOGIN_WINDOW_MS } from '../protocol/limits.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, TEST_OWNER, type TestServer } from '../testing/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('console sign-in', () => {
  it('refuses a wrong password with a clear error and no cookie', async () => {
    const client = new HttpClient(server.url);
    const response = await client.request('POST', '/api/auth/login', { email: TEST_OWNER.email, password: 'nope-nope-nope' });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: { code: 'E_BAD_CREDENTIALS', message: 'Wrong email or password.' } });
    expect(response.setCookie).toEqual([]);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const client = new HttpClient(server.url);
    const response = await client.request('POST', '/api/auth/login', { email: 'nobody@test.local', password: 'whatever-123' });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('E_BAD_CREDENTIALS');
  });

  it('rejects malformed bodies with E_INVALID_PAYLOAD or E_BAD_REQUEST', async () => {
    const client = new HttpClient(server.url);
    expect((await client.request('POST', '/api/auth/login', { email: 'x' })).json.error.code).toBe('E_INVALID_PAYLOAD');
    expect((await client.request('POST', '/api/auth/login', '{oops', { 'content-type': 'application/json' })).json.error.code).toBe(
      'E_BAD_REQUEST',
    );
    const huge = await client.request('POST', '/api/auth/login', { email: 'a@b.co', password: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('E_TOO_LARGE');
  });

  it('signs in with an HttpOnly SameSite cookie, and signs out for good', async () => {
    const client = new HttpClient(server.url);
    const response = await client.request('POST', '/api/auth/login', { email: TEST_OWNER.email, password: TEST_OWNER.password });
    expect(response.status).toBe(200);
    expect(response.setCookie[0]).toMatch(/^chatreel_session=s%3A[^;]+; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect((await client.request('GET', '/api/auth/me')).json.data.user).toMatchObject({ email: TEST_OWNER.email, role: 'owner' });

    const stolen = client.cookie;
    expect((await client.request('POST', '/api/auth/logout')).status).toBe(200);
    const replay = new HttpClient(server.url);
    replay.cookie = stolen;
    expect((await replay.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('ignores a tampered cookie', async () => {
    const client = new HttpClient(server.url);
    await client.signIn();
    client.cookie = client.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const me = await client.request('GET', '/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe('E_UNAUTHORIZED');
  });

  it('rate-limits repeated failures for one address and email without locking out other accounts', async () => {
    const client = new HttpClient(server.url);
    const email = 'target@test.local';
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await client.request('POST', '/api/auth/login', { email, password: `guess-${attempt}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await client.request('POST', '/api/auth/login', { email, password: 'another-guess' });
    expect(limited.json.error).toMatchObject({ code: 'E_RATE_LIMITED' });
    expect(limited.json.error.message).toMatch(/Too many failed sign-in attempts/);
    // Another account from the same address is not locked out by this one.
    expect((await client.request('POST', '/api/auth/login', { email: TEST_OWNER.email, password: TEST_OWNER.password })).status).toBe(200);
  });

  it('limits failures per address across emails: 30 emails from one address are cut off with Retry-After, another address signs in', async () => {
    const client = new HttpClient(server.url);
    const from = { 'x-forwarded-for': '203.0.113.7' }; // the loopback proxy is trusted, as behind nginx
    const answers = [];
    for (let i = 0; i < 30; i++) {
      answers.push(await client.request('POST', '/api/auth/login', { email: `rotating-${i}@test.local`, password: `guess-${i}-password` }, from));
    }
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toEqual([...Array(LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW).fill(401), ...Array(30 - LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW).fill(429)]);
    const limited = answers.at(-1)!;
    expect(limited.json.error.code).toBe('E_RATE_LIMITED');
    expect(limited.json.error.message).toMatch(/Too many failed sign-in attempts\. Try again in \d+ minutes?\./);
    const retryAfterS = Number(limited.headers.get('retry-after'));
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(LOGIN_WINDOW_MS / 1000);
    // While limited, no password is checked from that address, the right one included.
    expect((await client.request('POST', '/api/auth/login', TEST_OWNER, from)).status).toBe(429);
    expect((await new HttpClient(server.url).request('POST', '/api/auth/login', TEST_OWNER, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
  });

  it('counts concurrent guesses before checking them: 25 at once from one address, exactly the limit get a verdict', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        new HttpClient(server.url).request('POST', '/api/auth/login', { email: `burst-${i}@test.local`, password: `guess-${i}-password` }, from),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW).fill(401), ...Array(25 - LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW).fill(429)]);
  });

  it('keeps the API behind sign-in', async () => {
    const client = new HttpClient(server.url);
    for (const path of ['/api/apps', '/api/auth/me']) {
      const response = await client.request('GET', path);
      expect(response.status, path).toBe(401);
    }
  });
});
