import { CONSOLE_LEVELS, type ConsolePayload } from '../../../server/src/protocol/devtools-entries.js';
import { MAX_CONSOLE_ENTRIES_PER_PAGE } from '../../../server/src/protocol/limits.js';
import { consoleText } from './console-text.js';

export interface ConsoleCaptureOptions {
  /** Records one message. */
  record(payload: ConsolePayload): void;
  /** Masks what must not leave the browser (values of masked form fields) in a message. */
  mask(text: string): string;
  /** Logged elements in these areas are not named (see console-text.ts). */
  privateAreas: string | undefined;
  /** Told once when the page logged more than MAX_CONSOLE_ENTRIES_PER_PAGE messages (the rest are not recorded). */
  onLimit(): void;
}

type ConsoleMethod = (...args: unknown[]) => void;

/**
 * Records the page's console messages (issue 21) at every level, each as one bounded line
 * (console-text.ts) with masked field values replaced. The page's console works as before: the
 * original method runs first, with the same arguments. Returns the stop function.
 */
export function captureConsole(options: ConsoleCaptureOptions): () => void {
  let active = true;
  let recorded = 0;
  // A message logged while one is being recorded (by a getter, by the recorder itself) is not recorded again.
  let busy = false;
  const target = console as unknown as Record<string, ConsoleMethod>;
  const restore: Array<() => void> = [];

  for (const level of CONSOLE_LEVELS) {
    const original = target[level];
    if (typeof original !== 'function') continue;
    const wrapper: ConsoleMethod = function (this: unknown, ...args: unknown[]) {
      original.apply(this, args);
      if (!active || busy) return;
      busy = true;
      try {
        recorded += 1;
        if (recorded <= MAX_CONSOLE_ENTRIES_PER_PAGE) {
          const { text, stack } = consoleText(args, options.privateAreas);
          const payload: ConsolePayload = { level, text: options.mask(text) };
          if (stack) payload.stack = options.mask(stack);
          options.record(payload);
        } else if (recorded === MAX_CONSOLE_ENTRIES_PER_PAGE + 1) {
          options.onLimit();
        }
      } catch {
        // Recording is best effort: the page's own logging already happened.
      } finally {
        busy = false;
      }
    };
    target[level] = wrapper;
    restore.push(() => {
      if (target[level] === wrapper) target[level] = original;
    });
  }

  return () => {
    active = false;
    for (const put of restore) put();
  };
}
