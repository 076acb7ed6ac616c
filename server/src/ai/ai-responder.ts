import Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../config.js';
import { AI_MAX_OUTPUT_TOKENS } from '../protocol/limits.js';
import type { AppSettings } from '../storage/ports.js';
import { AiModelUnavailableError, type AiModel } from './ai-model.js';
import { buildSystemPrompt, type ModelTurn } from './prompt.js';

export interface AiReply {
  text: string;
  tokens: number;
}

export interface AiResponder {
  /** Streams an answer; `onDelta` gets each piece of text in order. Rejects when aborted or failed. */
  reply(input: { ai: AppSettings['ai']; history: ModelTurn[]; signal: AbortSignal; onDelta: (text: string) => void }): Promise<AiReply>;
}

/**
 * Claude through the official SDK, or null when no API key is configured (AI off, chat goes to people).
 * A model that no longer answers (`model.usable` false) fails every reply at once, without a request:
 * the chat then goes to people with the usual note.
 */
export function createAiResponder(config: Config, model: AiModel | null): AiResponder | null {
  if (!config.anthropic.apiKey || !model) return null;
  const client = new Anthropic({
    apiKey: config.anthropic.apiKey,
    baseURL: config.anthropic.baseUrl,
    // A visitor is waiting: one quick retry at most, then a person takes over.
    maxRetries: 1,
    timeout: 60_000,
  });
  return {
    async reply({ ai, history, signal, onDelta }) {
      if (!model.usable) throw new AiModelUnavailableError(model.status().message);
      const stream = client.messages.stream(
        { model: model.name, max_tokens: AI_MAX_OUTPUT_TOKENS, system: buildSystemPrompt(ai), messages: history },
        { signal },
      );
      stream.on('text', (delta) => onDelta(delta));
      try {
        const message = await stream.finalMessage();
        const text = message.content
          .filter((block) => block.type === 'text')
          .map((block) => block.text)
          .join('');
        return { text, tokens: (message.usage.input_tokens ?? 0) + (message.usage.output_tokens ?? 0) };
      } catch (error) {
        // 404 names the model when it is unknown to the API (retired before the SDK's table said so, or misspelled).
        if (error instanceof Anthropic.NotFoundError) model.refusedByApi(error.message);
        throw error;
      }
    },
  };
}
