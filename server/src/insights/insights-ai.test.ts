import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTES } from '../chat/chat-service.js';
import { dayKey } from '../protocol/utc-buckets.js';
import { startAnthropicDouble, type AnthropicDouble } from '../testing/anthropic-double.js';
import { chatVisitor, consoleSocket, createChatApp, messagesOf, recordEvents, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { MAX_PROMPT_TIMELINE_CHARS, MAX_PROMPT_TRANSCRIPT_CHARS } from './summaries.js';

/**
 * Insights with an API key: the real SDK talks to the Messages API test double through
 * ANTHROPIC_BASE_URL. A session is recorded (real rrweb fixtures), chatted in and ended by the visitor.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Array<{ timestamp: number }> => JSON.parse(readFileSync(path.join(here, 'fixtures', `${name}.json`), 'utf8'));
const SUMMARY = ['The visitor clicked “Apply coupon” 4 times at [00:00] ', 'and hit a JavaScript error at [00:05]; ', 'they asked for a person.'];
const CHAT_ANSWER = ['Coupons apply at checkout.'];

let double: AnthropicDouble;
let server: TestServer;
let owner: HttpClient;
let app: { id: string; publicKey: string };

beforeAll(async () => {
  double = await startAnthropicDouble();
  server = await startTestServer({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: double.url });
  ({ owner, app } = await createChatApp(server, 'Insights shop'));
});
afterAll(async () => {
  await server?.close();
  await double?.close();
});

const insightsOf = async (sessionId: string) => (await owner.request('GET', `/api/apps/${app.id}/sessions/${sessionId}/insights`)).json.data;
const summaryRequests = () => double.requests.filter((request) => JSON.stringify(request.body.system ?? '').includes('recorded website sessions'));
const promptOf = (index: number) => summaryRequests()[index].body.messages[0].content as string;

async function recordedVisitor(fixtures: string[]): Promise<ChatVisitor> {
  const visitor = await chatVisitor(server, app.publicKey);
  await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
  let seq = 1;
  for (const name of fixtures) {
    const data = gzipSync(Buffer.from(JSON.stringify(fixture(name))));
    expect(await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: seq++, data })).toMatchObject({ data: { stored: true } });
  }
  return visitor;
}

describe('insights with the AI', () => {
  let visitor: ChatVisitor;

  it('on completion: signals stored, the prompt holds the bounded timeline and transcript, the summary is what the model said', async () => {
    visitor = await recordedVisitor(['rage-click', 'error-click']);
    double.script({ tokens: CHAT_ANSWER });
    await visitor.send('The coupon button does nothing');
    await waitFor(() => messagesOf(visitor.events).some((message) => message.role === 'ai'), 'the chat answer');
    await command(visitor.socket, 'chat:human');
    const watcher = await consoleSocket(server, owner.cookie);
    const changes = recordEvents(watcher, ['session:changed']);
    double.script({ tokens: SUMMARY, inputTokens: 700, outputTokens: 60 });
    const before = summaryRequests().length;

    await command(visitor.socket, 'session:end');
    const insights = await waitFor(async () => {
      const data = await insightsOf(visitor.sessionId);
      return data.status === 'ready' && data;
    }, 'insights to be ready');

    expect(summaryRequests().length).toBe(before + 1);
    const prompt = promptOf(before);
    // The bounded timeline: pages, the named control, the error; the transcript: the visitor's words and the answer.
    expect(prompt).toMatch(/<timeline>[\s\S]*Viewed \/rage-click\.html[\s\S]*Clicked “Apply coupon” ×4[\s\S]*JavaScript error: .*payment is not defined[\s\S]*<\/timeline>/);
    expect(prompt).toMatch(/<transcript>[\s\S]*Visitor: The coupon button does nothing[\s\S]*Assistant: Coupons apply at checkout\.[\s\S]*<\/transcript>/);
    expect(prompt).toContain('rapid clicks on “Apply coupon”');
    expect(prompt.length).toBeLessThan(MAX_PROMPT_TIMELINE_CHARS + MAX_PROMPT_TRANSCRIPT_CHARS + 2_000);

    expect(insights.summary).toMatchObject({ text: SUMMARY.join('').trim(), source: 'ai' });
    const types = insights.signals.map((signal: { type: string }) => signal.type);
    expect(types).toEqual(expect.arrayContaining(['rage_click', 'dead_click', 'error_click', 'js_error', 'handoff_requested']));
    const rage = insights.signals.find((signal: { type: string }) => signal.type === 'rage_click');
    expect(rage).toMatchObject({ ts: expect.any(Number), offsetMs: expect.any(Number), label: '4 rapid clicks on “Apply coupon”' });
    expect(insights.timeline.some((entry: { kind: string; text: string }) => entry.kind === 'message' && entry.text === `Note: ${NOTES.askedForHuman}`)).toBe(true);

    // The console heard about it, and the session row carries the signals and the summary.
    // Once for the completion, once more when the insights were stored.
    const completedChanges = () => changes.filter((event) => event.payload.session.id === visitor.sessionId && event.payload.session.status === 'completed');
    await waitFor(() => completedChanges().length >= 2, 'session:changed after the insights');
    const rows = await owner.request('GET', `/api/apps/${app.id}/sessions`);
    const row = rows.json.data.items.find((item: { id: string }) => item.id === visitor.sessionId);
    expect(row.summary).toEqual({ text: SUMMARY.join('').trim(), source: 'ai' });
    expect(row.signals).toEqual(expect.arrayContaining(['rage_click', 'error_click', 'js_error', 'handoff_requested']));
    // The tokens count against the application's daily cap.
    expect(await server.db.repos.aiUsage.tokensOn(app.id, dayKey(new Date()))).toBeGreaterThanOrEqual(760);
    watcher.close();
    visitor.socket.close();
  });

  it('reuses the stored summary: reading and recomputing make no second model call', async () => {
    const before = double.requests.length;
    const read = await insightsOf(visitor.sessionId);
    const recomputed = await owner.request('POST', `/api/apps/${app.id}/sessions/${visitor.sessionId}/insights`, {});
    expect(recomputed.status).toBe(200);
    expect(double.requests.length).toBe(before);
    expect(read.summary.text).toBe(SUMMARY.join('').trim());
    expect(recomputed.json.data.summary).toEqual(read.summary);
    expect(recomputed.json.data.status).toBe('ready');
  });

  it('regenerates on request with a new model call', async () => {
    const before = summaryRequests().length;
    double.script({ tokens: ['A fresh summary at [00:01].'] });
    const regenerated = await owner.request('POST', `/api/apps/${app.id}/sessions/${visitor.sessionId}/insights`, { regenerateSummary: true });
    expect(regenerated.status).toBe(200);
    expect(summaryRequests().length).toBe(before + 1);
    expect(regenerated.json.data.summary).toMatchObject({ text: 'A fresh summary at [00:01].', source: 'ai' });
    expect((await insightsOf(visitor.sessionId)).summary.text).toBe('A fresh summary at [00:01].');
  });

  it('bounds the timeline given to the model for a long session', async () => {
    // 3,000 pages visited: none alike, so nothing folds and the bound has to do the work.
    const start = Date.now() - 3_600_000;
    const pages = Array.from({ length: 3000 }, (_, i) => ({ type: 4, timestamp: start + i * 700, data: { href: `http://shop.test/product/${i}`, width: 800, height: 600 } }));
    const long = await chatVisitor(server, app.publicKey);
    await command(long.socket, 'recording:start', { sessionId: long.sessionId });
    const data = gzipSync(Buffer.from(JSON.stringify(pages)));
    await command(long.socket, 'recording:batch', { sessionId: long.sessionId, seq: 1, data });
    const before = summaryRequests().length;
    double.script({ tokens: ['Long session.'] });
    const response = await owner.request('POST', `/api/apps/${app.id}/sessions/${long.sessionId}/insights`, { regenerateSummary: true });
    expect(response.status).toBe(200);
    const timelineText = /<timeline>\n([\s\S]*)\n<\/timeline>/.exec(promptOf(before))![1];
    expect(timelineText.length).toBeLessThanOrEqual(MAX_PROMPT_TIMELINE_CHARS);
    expect(timelineText.split('\n').length).toBeGreaterThan(50);
    long.socket.close();
  });

  it('falls back to the deterministic summary, saying so, once the daily token cap is reached', async () => {
    await server.db.repos.aiUsage.add(app.id, dayKey(new Date()), 10_000_000);
    const before = double.requests.length;
    const response = await owner.request('POST', `/api/apps/${app.id}/sessions/${visitor.sessionId}/insights`, { regenerateSummary: true });
    expect(double.requests.length).toBe(before);
    expect(response.json.data.summary.source).toBe('deterministic');
    expect(response.json.data.summary.text).toContain('daily AI token limit was reached');
    expect(response.json.data.summary.text).toMatch(/\[\d\d:\d\d\] \d+ rapid clicks on “Apply coupon”/);
  });
});
