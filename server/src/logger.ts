import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export interface LoggerOptions {
  /** Lines for a person at a terminal (main.ts passes stdout's TTY-ness); JSON for everything else (files, collectors). */
  pretty?: boolean;
}

/** Structured JSON logs on stdout, or the same records made readable when a person is watching. */
export function createLogger(level: string, { pretty = false }: LoggerOptions = {}): Logger {
  const options = { level, base: { service: 'chatreel' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!pretty) return pino(options);
  // In this thread and synchronous (no transport worker): a fatal line is on the screen before exit.
  return pino(options, PinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' }));
}
