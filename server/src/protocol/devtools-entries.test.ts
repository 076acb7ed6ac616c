import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFailedRequest, readDevtoolsEvent } from './devtools-entries.js';
import { MAX_CONSOLE_MESSAGE_CHARS, MAX_CONSOLE_STACK_CHARS, MAX_NETWORK_METHOD_CHARS, MAX_NETWORK_URL_CHARS } from './limits.js';
import { CONSOLE_TAG, customEvent, NETWORK_TAG } from './recording-events.js';

const TS = 1_700_000_000_000;
const request = { initiator: 'fetch', method: 'post', url: 'https://shop.example.com/api/delivery', status: 503, durationMs: 120, sizeBytes: 64 };

describe('readDevtoolsEvent', () => {
  it('reads what the widget writes', () => {
    expect(readDevtoolsEvent(customEvent(CONSOLE_TAG, { level: 'error', text: 'Delivery check failed', stack: 'at x' }, TS))).toEqual({
      kind: 'console',
      entry: { ts: TS, level: 'error', text: 'Delivery check failed', stack: 'at x' },
    });
    expect(readDevtoolsEvent(customEvent(NETWORK_TAG, request, TS))).toEqual({
      kind: 'network',
      entry: { ts: TS, initiator: 'fetch', method: 'POST', url: request.url, status: 503, durationMs: 120, sizeBytes: 64, error: null },
    });
  });

  it('refuses other events and malformed payloads, and reads doubtful numbers as unknown', () => {
    expect(readDevtoolsEvent({ type: 5, timestamp: TS, data: { tag: 'chatreel/error', payload: {} } })).toBeNull();
    expect(readDevtoolsEvent(customEvent(CONSOLE_TAG, { level: 'shout', text: 'x' }, TS))).toBeNull();
    expect(readDevtoolsEvent(customEvent(CONSOLE_TAG, { level: 'log', text: 42 }, TS))).toBeNull();
    expect(readDevtoolsEvent(customEvent(NETWORK_TAG, { ...request, status: 1e9 }, TS))).toBeNull();
    expect(readDevtoolsEvent(customEvent(NETWORK_TAG, { ...request, initiator: 'beacon' }, TS))).toBeNull();
    expect(readDevtoolsEvent({ type: 5, timestamp: -1, data: { tag: CONSOLE_TAG, payload: { level: 'log', text: '' } } })).toBeNull();
    const odd = readDevtoolsEvent(customEvent(NETWORK_TAG, { ...request, durationMs: -5, sizeBytes: Number.NaN, error: 'gremlins' }, TS));
    expect(odd).toMatchObject({ entry: { durationMs: null, sizeBytes: null, error: null } });
    // A duration reaching before the epoch would make a negative start.
    expect(readDevtoolsEvent(customEvent(NETWORK_TAG, { ...request, durationMs: 80_000_000 }, 1_000))).toMatchObject({ entry: { durationMs: null } });
  });

  it('clips every string to its limit', () => {
    const long = 'x'.repeat(100_000);
    const message = readDevtoolsEvent(customEvent(CONSOLE_TAG, { level: 'log', text: long, stack: long }, TS));
    expect(message?.kind === 'console' && [message.entry.text.length, message.entry.stack.length]).toEqual([MAX_CONSOLE_MESSAGE_CHARS, MAX_CONSOLE_STACK_CHARS]);
    const sent = readDevtoolsEvent(customEvent(NETWORK_TAG, { ...request, method: long, url: long }, TS));
    expect(sent?.kind === 'network' && [sent.entry.method.length, sent.entry.url.length]).toEqual([MAX_NETWORK_METHOD_CHARS, MAX_NETWORK_URL_CHARS]);
  });

  it('never throws and stays within its limits on anything a recording holds', () => {
    const payload = fc.oneof(fc.anything(), fc.record({ level: fc.constantFrom('log', 'error', 'x'), text: fc.anything(), stack: fc.anything() }, { requiredKeys: [] }),
      fc.record({ initiator: fc.constantFrom('fetch', 'xhr'), method: fc.anything(), url: fc.anything(), status: fc.anything(), durationMs: fc.anything(), sizeBytes: fc.anything(), error: fc.anything() }, { requiredKeys: [] }));
    fc.assert(
      fc.property(fc.constantFrom(CONSOLE_TAG, NETWORK_TAG), payload, fc.anything(), (tag, body, timestamp) => {
        for (const event of [customEvent(tag, body, TS), { type: 5, timestamp, data: { tag, payload: body } }, body]) {
          const read = readDevtoolsEvent(event);
          if (read?.kind === 'console') expect(read.entry.text.length).toBeLessThanOrEqual(MAX_CONSOLE_MESSAGE_CHARS);
          if (read?.kind === 'network') expect(read.entry.url.length).toBeLessThanOrEqual(MAX_NETWORK_URL_CHARS);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isFailedRequest', () => {
  it('is a server error or no answer from the network, not a client error or an abort', () => {
    expect(isFailedRequest({ status: 503, error: null })).toBe(true);
    expect(isFailedRequest({ status: 0, error: 'network' })).toBe(true);
    expect(isFailedRequest({ status: 0, error: 'timeout' })).toBe(true);
    expect(isFailedRequest({ status: 404, error: null })).toBe(false);
    expect(isFailedRequest({ status: 0, error: 'aborted' })).toBe(false);
  });
});
