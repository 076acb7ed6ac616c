import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AiStatus } from '../protocol/ai-status.js';
import { DEFAULT_AI_MODEL, modelLifecycle } from './model-lifecycle.js';
import { silenceRepeatedDeprecationWarnings } from './sdk-warnings.js';

/** Thrown instead of calling the API with a model that no longer answers. */
export class AiModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AiModelUnavailableError';
  }
}

export interface AiModel {
  readonly name: string;
  /** False once the model is retired or the API refused it: nothing is sent, chats go to people. */
  readonly usable: boolean;
  status(): AiStatus;
  /** The API answered that the model does not exist (404): it is retired, or misspelled. */
  refusedByApi(reason: string): void;
}

const setIt = `set ANTHROPIC_MODEL to a current model (such as ${DEFAULT_AI_MODEL}) and restart`;

/**
 * The configured model, checked once at start: a deprecated one is reported once (the SDK would print
 * its own warning on every request; those lines are dropped), a retired one once as an error — and
 * the console's settings show the same sentence to owners.
 */
export function checkAiModel(config: Config, logger: Logger, now: Date = new Date()): AiModel | null {
  if (!config.anthropic.apiKey) return null;
  const name = config.anthropic.model;
  const lifecycle = modelLifecycle(name, now);
  let status: AiStatus;
  if (lifecycle.state === 'current') {
    status = { state: 'ready', model: name, message: `AI answers use ${name}.`, endOfLife: null };
  } else if (lifecycle.state === 'deprecated') {
    status = { state: 'deprecated', model: name, endOfLife: lifecycle.endOfLife, message: `${name} is deprecated and stops answering on ${lifecycle.endOfLife}: ${setIt}.` };
    logger.warn({ model: name, endOfLife: lifecycle.endOfLife }, status.message);
    silenceRepeatedDeprecationWarnings(name);
  } else {
    status = { state: 'retired', model: name, endOfLife: lifecycle.endOfLife, message: `${name} is retired (since ${lifecycle.endOfLife}); AI answers are off and chats go to your team: ${setIt}.` };
    logger.error({ model: name, endOfLife: lifecycle.endOfLife }, status.message);
  }
  return {
    name,
    get usable() {
      return status.state === 'ready' || status.state === 'deprecated';
    },
    status: () => status,
    refusedByApi(reason) {
      if (status.state === 'unavailable') return;
      status = { state: 'unavailable', model: name, endOfLife: null, message: `The API does not know ${name} (${reason}); AI answers are off and chats go to your team: ${setIt}.` };
      logger.error({ model: name }, status.message);
    },
  };
}

/** What the console shows when there is no key at all. */
export const AI_OFF_STATUS: AiStatus = {
  state: 'off',
  model: null,
  endOfLife: null,
  message: 'AI answers are off: ANTHROPIC_API_KEY is not set. Chats go to your team.',
};
