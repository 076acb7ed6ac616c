import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { LOGIN_FAILURES_PER_WINDOW } from '../protocol/limits.js';

/**
 * Issue 14, class 5: 16 concurrent sign-ins with distinct emails once pushed /healthz p50 from 8 ms to
 * 2.3 s, because bcrypt ran on the event loop. Measured here with the server in this process: the
 * event loop's delay and /healthz latency while the sign-ins run.
 */

const CONCURRENT_LOGINS = 16;
/**
 * With bcrypt on the event loop (before c2bfd0d) these measured: loop delay mean 196–226 ms, /healthz
 * p50 582–832 ms (3 runs); with the worker pool: 12–13 ms and 6–7 ms. Each bound is ≥ 5× below the
 * figure it guards against. (The delay histogram counts its own 10 ms resolution.)
 */
const MAX_LOOP_DELAY_MEAN_MS = 35;
const MAX_HEALTHZ_P50_MS = 100;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

describe('sign-ins under load', () => {
  it('16 concurrent sign-ins with distinct emails leave the event loop and /healthz responsive', async () => {
    const client = new HttpClient(server.url);
    // The first sign-in starts a worker thread; what is measured is the steady state.
    await client.request('POST', '/api/auth/login', { email: 'warm-up@test.local', password: 'not-the-password' }, { 'x-forwarded-for': '198.51.100.200' });

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const healthzMs: number[] = [];
    let loggingIn = true;
    const probe = (async () => {
      while (loggingIn) {
        const started = performance.now();
        const response = await fetch(`${server.url}/healthz`);
        await response.arrayBuffer();
        healthzMs.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    loopDelay.enable();
    const statuses = await Promise.all(
      Array.from({ length: CONCURRENT_LOGINS }, async (_, i) => {
        // Distinct emails from distinct addresses (the loopback proxy is trusted), so no rate limit answers first.
        const headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        const response = await client.request('POST', '/api/auth/login', { email: `load-${i}@test.local`, password: `guess-${i}-password` }, headers);
        return response.status;
      }),
    );
    loopDelay.disable();
    loggingIn = false;
    await probe;

    expect(statuses).toEqual(Array(CONCURRENT_LOGINS).fill(401));
    const healthzP50Ms = percentile(healthzMs, 50);
    const loopMeanMs = loopDelay.mean / 1e6;
    console.info(
      `16 sign-ins: event loop delay mean ${loopMeanMs.toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms; ` +
        `/healthz p50 ${healthzP50Ms.toFixed(1)} ms, max ${Math.max(...healthzMs).toFixed(1)} ms over ${healthzMs.length} probes`,
    );
    expect(healthzMs.length).toBeGreaterThan(0);
    expect(loopMeanMs).toBeLessThan(MAX_LOOP_DELAY_MEAN_MS);
    expect(healthzP50Ms).toBeLessThan(MAX_HEALTHZ_P50_MS);
  });
});

describe('sign-ins past what the password workers take', () => {
  let small: TestServer;
  beforeAll(async () => {
    // One worker and no queue: a second sign-in while one is checked is refused by the pool.
    small = await startTestServer({}, { workers: { threads: 1, maxQueue: 0 } });
  });
  afterAll(() => small?.close());

  it('answers 503 E_UNAVAILABLE with Retry-After, never a 500, and counts no failure against the user', async () => {
    // Fewer guesses than LOGIN_FAILURES_PER_WINDOW: a failure is reserved before the password is checked,
    // so with more, whichever guesses arrive while others are pending would be 429 rather than 503.
    const answers = await Promise.all(
      Array.from({ length: LOGIN_FAILURES_PER_WINDOW - 1 }, (_, i) =>
        new HttpClient(small.url).request('POST', '/api/auth/login', { email: 'owner@test.local', password: `guess-${i}-password` }, { 'x-forwarded-for': '192.0.2.1' }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).not.toContain(500);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.json.error.code).toBe('E_UNAVAILABLE');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.filter((status) => status !== 503).every((status) => status === 401), `statuses ${statuses.join(" ")}`).toBe(true);
    // Only the checked guesses counted: the right password still gets in from that address.
    const right = await new HttpClient(small.url).request('POST', '/api/auth/login', { email: 'owner@test.local', password: 'correct-horse-battery' }, { 'x-forwarded-for': '192.0.2.1' });
    expect(right.status).toBe(200);
  });
});
