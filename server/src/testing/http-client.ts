import { TEST_OWNER } from './test-server.js';

/**
 * A fetch wrapper that keeps the session cookie, for REST tests against a started server. Like the
 * console's own pages in a browser, it sends the server's origin as Origin (`origin: null`: none).
 */
export class HttpClient {
  cookie = '';
  constructor(
    readonly baseUrl: string,
    readonly origin: string | null = new URL(baseUrl).origin,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.origin ? { origin: this.origin } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) this.cookie = line.split(';')[0];
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text, setCookie, headers: response.headers };
  }

  async signIn(email = TEST_OWNER.email, password = TEST_OWNER.password) {
    const response = await this.request('POST', '/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${response.text}`);
    return response.json.data.user as { id: string; email: string; role: string };
  }
}
