/**
 * Which Claude models still answer. The installed @anthropic-ai/sdk (1.12) knows the deprecated ones
 * and their end of life (its DEPRECATED_MODELS tables, in resources/messages/messages.js and
 * internal/data) but does not export them: they are restated here, and model-lifecycle.test.ts fails
 * when the installed SDK's tables say something this one does not.
 */

/** The model used when ANTHROPIC_MODEL is not set: a current Sonnet from the SDK's model list. */
export const DEFAULT_AI_MODEL = 'claude-sonnet-5-5';

/** Model → its end of life (UTC day). From that day on, requests naming it fail. */
export const DEPRECATED_MODELS: Readonly<Record<string, string>> = {
  'claude-mythos-preview': '2026-06-30',
  'claude-sonnet-4-5': '2026-11-30',
  'claude-sonnet-4-5-20250929': '2026-11-30',
};

export type ModelLifecycle =
  | { state: 'current' }
  /** Still answering, until `endOfLife`. */
  | { state: 'deprecated'; endOfLife: string }
  /** No longer answering since `endOfLife`. */
  | { state: 'retired'; endOfLife: string };

export function modelLifecycle(model: string, now: Date): ModelLifecycle {
  const endOfLife = Object.hasOwn(DEPRECATED_MODELS, model) ? DEPRECATED_MODELS[model] : undefined;
  if (!endOfLife) return { state: 'current' };
  return now.toISOString().slice(0, 10) >= endOfLife ? { state: 'retired', endOfLife } : { state: 'deprecated', endOfLife };
}
