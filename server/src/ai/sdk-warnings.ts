/**
 * @anthropic-ai/sdk prints "The model 'X' is deprecated and will reach end-of-life on …" with
 * `console.warn` on every request naming a deprecated model (resources/messages/messages.js), outside
 * its `logger` option. Chatreel reports a deprecated model once at start (ai-model.ts) and in the
 * console; this drops exactly those SDK lines for the models reported that way. Every other warning,
 * the SDK's included, goes through unchanged.
 */
const SDK_DEPRECATION_LINE = /^The model '([^']+)' is deprecated and will reach end-of-life\b/;
const reported = new Set<string>();
let installed = false;

export function silenceRepeatedDeprecationWarnings(model: string): void {
  reported.add(model);
  if (installed) return;
  installed = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const match = typeof args[0] === 'string' ? SDK_DEPRECATION_LINE.exec(args[0]) : null;
    if (match && reported.has(match[1])) return;
    warn(...args);
  };
}
