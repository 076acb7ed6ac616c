import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startAnthropicDouble, type AnthropicDouble } from '../testing/anthropic-double.js';
import { AiModelUnavailableError, checkAiModel } from './ai-model.js';
import { createAiResponder } from './ai-responder.js';

let double: AnthropicDouble;
/** What reached console.warn past Chatreel's filter (the SDK prints its deprecation notice there). */
const printed: string[] = [];
const originalWarn = console.warn;

beforeAll(async () => {
  double = await startAnthropicDouble();
  console.warn = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
});
afterAll(async () => {
  console.warn = originalWarn;
  await double?.close();
});

/** A logger whose JSON lines are kept. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; model?: string }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const configFor = (model: string) => loadConfig({ ANTHROPIC_API_KEY: 'sk-test-double', ANTHROPIC_BASE_URL: double.url, ANTHROPIC_MODEL: model });

const ask = (responder: NonNullable<ReturnType<typeof createAiResponder>>) =>
  responder.reply({ ai: { enabled: true, systemPrompt: '', knowledge: '', dailyTokenCap: 1_000 }, history: [{ role: 'user', content: 'Hi' }], signal: new AbortController().signal, onDelta: () => {} });

describe('a deprecated or retired AI model', () => {
  it('is reported once at start, and the SDK’s warning is not repeated on every request', async () => {
    const { logger, lines } = capturingLogger();
    const model = checkAiModel(configFor('claude-sonnet-4-5'), logger, new Date('2026-11-01T00:00:00Z'))!;
    expect(model.status()).toMatchObject({ state: 'deprecated', model: 'claude-sonnet-4-5', endOfLife: '2026-11-30' });
    expect(model.status().message).toMatch(/claude-sonnet-4-5 is deprecated and stops answering on 2026-11-30: set ANTHROPIC_MODEL/);
    const responder = createAiResponder(configFor('claude-sonnet-4-5'), model)!;
    const before = double.requests.length;
    for (let i = 0; i < 3; i++) expect((await ask(responder)).text).toBe('Hello from the double.');
    expect(double.requests.slice(before).map((request) => request.body.model)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5', 'claude-sonnet-4-5']);

    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual([model.status().message]);
    expect(printed.filter((line) => line.includes('is deprecated'))).toEqual([]);
    // Other warnings, the SDK's included, still print.
    console.warn('The model is fine; another warning');
    expect(printed).toContain('The model is fine; another warning');
  });

  it('once retired, is reported as an error once and never sent: every answer fails at once', async () => {
    const { logger, lines } = capturingLogger();
    const model = checkAiModel(configFor('claude-sonnet-4-5'), logger, new Date('2026-11-30T09:00:00Z'))!;
    expect(model.usable).toBe(false);
    expect(model.status()).toMatchObject({ state: 'retired', endOfLife: '2026-11-30' });
    expect(model.status().message).toMatch(/^claude-sonnet-4-5 is retired \(since 2026-11-30\); AI answers are off and chats go to your team: set ANTHROPIC_MODEL/);
    const responder = createAiResponder(configFor('claude-sonnet-4-5'), model)!;
    const before = double.requests.length;
    await expect(ask(responder)).rejects.toBeInstanceOf(AiModelUnavailableError);
    await expect(ask(responder)).rejects.toBeInstanceOf(AiModelUnavailableError);
    expect(double.requests.length).toBe(before);
    expect(lines.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual([model.status().message]);
  });

  it('that the API does not know (404) turns the AI off with a clear status after the first refusal', async () => {
    const { logger } = capturingLogger();
    const model = checkAiModel(configFor('claude-sonnet-9-typo'), logger, new Date())!;
    expect(model.status().state).toBe('ready');
    double.script({ status: 404 });
    const responder = createAiResponder(configFor('claude-sonnet-9-typo'), model)!;
    await expect(ask(responder)).rejects.toThrow();
    expect(model.status()).toMatchObject({ state: 'unavailable', model: 'claude-sonnet-9-typo' });
    expect(model.status().message).toMatch(/set ANTHROPIC_MODEL/);
    const before = double.requests.length;
    await expect(ask(responder)).rejects.toBeInstanceOf(AiModelUnavailableError);
    expect(double.requests.length).toBe(before);
  });
});
