import {
  MAX_CONSOLE_MESSAGE_CHARS,
  MAX_CONSOLE_STACK_CHARS,
  MAX_EVENT_TIMESTAMP_MS,
  MAX_NETWORK_DURATION_MS,
  MAX_NETWORK_METHOD_CHARS,
  MAX_NETWORK_SIZE_BYTES,
  MAX_NETWORK_URL_CHARS,
} from './limits.js';
import { CONSOLE_TAG, NETWORK_TAG, RRWEB_CUSTOM_EVENT } from './recording-events.js';

/**
 * Console messages and network requests of the visitor's page (issue 21), as the widget records them
 * (`chatreel/console`, `chatreel/network` custom events) and as every reader gets them back. A
 * recording is hostile: readers go through `readDevtoolsEvent`, which checks every field and clips
 * every string to its limit, never trusting the shapes below.
 */

export const CONSOLE_LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];

/** Why a request has no response: the network failed, the page aborted it, or it timed out (XHR). */
export const NETWORK_ERRORS = ['network', 'aborted', 'timeout'] as const;
export type NetworkError = (typeof NETWORK_ERRORS)[number];

/** Payload of `chatreel/console`. */
export interface ConsolePayload {
  level: ConsoleLevel;
  /** The arguments, stringified within bounds and joined by spaces. */
  text: string;
  /** The stack of an Error argument, if any. */
  stack?: string;
}

/** Payload of `chatreel/network`, recorded when the request ends. Never headers or bodies. */
export interface NetworkPayload {
  initiator: 'fetch' | 'xhr';
  method: string;
  /** Absolute; query values masked unless the application keeps them. */
  url: string;
  /** 0 when there was no response (see `error`). */
  status: number;
  durationMs: number;
  /** From Content-Length when the response says it; null otherwise. */
  sizeBytes: number | null;
  error?: NetworkError;
}

export interface ConsoleEntry {
  ts: number;
  level: ConsoleLevel;
  text: string;
  stack: string;
}

export interface NetworkEntry {
  ts: number;
  initiator: 'fetch' | 'xhr';
  method: string;
  url: string;
  status: number;
  durationMs: number | null;
  sizeBytes: number | null;
  error: NetworkError | null;
}

export type DevtoolsEntry = { kind: 'console'; entry: ConsoleEntry } | { kind: 'network'; entry: NetworkEntry };

/** A failed request: a server error (5xx), or no response because the network failed or timed out. */
export const isFailedRequest = (entry: Pick<NetworkEntry, 'status' | 'error'>): boolean =>
  entry.status >= 500 || entry.error === 'network' || entry.error === 'timeout';

/** When the request started (it is recorded when it ended). */
export const requestStartTs = (entry: Pick<NetworkEntry, 'ts' | 'durationMs'>): number => entry.ts - (entry.durationMs ?? 0);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const clip = (value: unknown, max: number): string | null => (typeof value === 'string' ? value.slice(0, max) : null);
const oneOf = <T extends string>(values: readonly T[], value: unknown): T | null => ((values as readonly unknown[]).includes(value) ? (value as T) : null);
const boundedNumber = (value: unknown, max: number): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max ? value : null;

/** The console message or request an event records, read within the limits; null for any other event or a malformed one. */
export function readDevtoolsEvent(event: unknown): DevtoolsEntry | null {
  if (!isRecord(event) || event.type !== RRWEB_CUSTOM_EVENT) return null;
  const ts = boundedNumber(event.timestamp, MAX_EVENT_TIMESTAMP_MS);
  const data = event.data;
  if (ts === null || !isRecord(data) || !isRecord(data.payload)) return null;
  if (data.tag === CONSOLE_TAG) {
    const entry = readConsole(ts, data.payload);
    return entry && { kind: 'console', entry };
  }
  if (data.tag === NETWORK_TAG) {
    const entry = readNetwork(ts, data.payload);
    return entry && { kind: 'network', entry };
  }
  return null;
}

function readConsole(ts: number, payload: Record<string, unknown>): ConsoleEntry | null {
  const level = oneOf(CONSOLE_LEVELS, payload.level);
  const text = clip(payload.text, MAX_CONSOLE_MESSAGE_CHARS);
  if (!level || text === null) return null;
  return { ts, level, text, stack: clip(payload.stack, MAX_CONSOLE_STACK_CHARS) ?? '' };
}

function readNetwork(ts: number, payload: Record<string, unknown>): NetworkEntry | null {
  const initiator = oneOf(['fetch', 'xhr'] as const, payload.initiator);
  const method = clip(payload.method, MAX_NETWORK_METHOD_CHARS);
  const url = clip(payload.url, MAX_NETWORK_URL_CHARS);
  const status = Number.isInteger(payload.status) && (payload.status as number) >= 0 && (payload.status as number) <= 999 ? (payload.status as number) : null;
  if (!initiator || !method || url === null || status === null) return null;
  const durationMs = boundedNumber(payload.durationMs, MAX_NETWORK_DURATION_MS);
  return {
    ts,
    initiator,
    method: method.toUpperCase(),
    url,
    status,
    // A duration longer than the time since the epoch would put the start before it.
    durationMs: durationMs !== null && durationMs <= ts ? durationMs : null,
    sizeBytes: boundedNumber(payload.sizeBytes, MAX_NETWORK_SIZE_BYTES),
    error: oneOf(NETWORK_ERRORS, payload.error),
  };
}
