import { describe, expect, it } from 'vitest';
import { MAX_DEVTOOLS_ROWS } from '../../../server/src/protocol/limits.js';
import { CONSOLE_TAG, customEvent, ERROR_TAG, HELP_OFFER_TAG, NETWORK_TAG, STRUGGLE_TAG } from '../../../server/src/protocol/recording-events.js';
import { DevtoolsLog } from './devtools-log.js';

const T = 1_700_000_000_000;
const log = (text: string, ts: number, level = 'log') => customEvent(CONSOLE_TAG, { level, text }, ts);
const request = (status: number, ts: number) => customEvent(NETWORK_TAG, { initiator: 'xhr', method: 'GET', url: 'https://shop.example.com/api', status, durationMs: 5, sizeBytes: 10 }, ts);
const titles = (markers: Array<{ data?: unknown }>) => markers.map((marker) => (marker.data as { tag: string }).tag);

describe('DevtoolsLog', () => {
  it('takes its events out of the stream, in time order, and answers the markers they make', () => {
    const devtools = new DevtoolsLog();
    const snapshot = { type: 2, timestamp: T, data: {} };
    const jsError = customEvent(ERROR_TAG, { message: 'x' }, T + 5);
    const { events, markers } = devtools.take([
      snapshot,
      log('second', T + 20),
      log('first', T + 10),
      log('Delivery failed', T + 30, 'error'),
      request(200, T + 40),
      request(503, T + 50),
      customEvent(STRUGGLE_TAG, { type: 'rage_click', label: '4 rapid clicks on “Apply coupon”' }, T + 60),
      customEvent(HELP_OFFER_TAG, { outcome: 'dismissed' }, T + 70),
      jsError,
    ]);
    expect(events).toEqual([snapshot, jsError]);
    expect(devtools.console.map((entry) => entry.text)).toEqual(['first', 'second', 'Delivery failed']);
    expect(devtools.network.map((entry) => entry.status)).toEqual([200, 503]);
    expect(titles(markers)).toEqual([
      'Console error: Delivery failed',
      'Request failed: GET https://shop.example.com/api → 503',
      'Struggle: Rage click — 4 rapid clicks on “Apply coupon”',
      'Help offer: Help offered and dismissed',
    ]);
  });

  it('drops malformed ones without throwing, and keeps at most the limit of rows, counting the rest', () => {
    const devtools = new DevtoolsLog();
    const hostile = [
      customEvent(CONSOLE_TAG, { level: 'log', text: { toString: 1 } }, T),
      customEvent(NETWORK_TAG, 'nope', T),
      customEvent(STRUGGLE_TAG, { type: 'boredom' }, T),
      { type: 5, timestamp: T, data: { tag: CONSOLE_TAG, payload: null } },
    ];
    expect(devtools.take(hostile)).toEqual({ events: [], markers: [] });
    const many = Array.from({ length: MAX_DEVTOOLS_ROWS + 7 }, (_, i) => log(`m${i}`, T + i));
    devtools.take(many);
    expect(devtools.console.length).toBe(MAX_DEVTOOLS_ROWS);
    expect(devtools.droppedConsole).toBe(7);
    const before = devtools.version;
    devtools.clear();
    expect([devtools.console, devtools.droppedConsole, devtools.version > before]).toEqual([[], 0, true]);
  });
});
