import { describe, expect, it } from 'vitest';
import { CONSOLE_TAG, customEvent, NETWORK_TAG, type RecordedEvent } from '../protocol/recording-events.js';
import { extractFacts } from './session-facts.js';
import { detectDeadClicks, detectErrorClicks } from './signals.js';
import { buildTimeline } from './timeline.js';

/**
 * Console errors and failed requests in the insights (issue 21): a click followed by a 5xx is an
 * error click, and both show in the timeline.
 */
const T0 = 1_700_000_000_000;
const BUTTON_ID = 10;

function page(): RecordedEvent[] {
  return [
    { type: 4, timestamp: T0, data: { href: 'https://shop.example.com/', width: 1024, height: 640 } },
    {
      type: 2,
      timestamp: T0 + 1,
      data: {
        node: {
          id: 1,
          type: 0,
          childNodes: [
            { id: 2, type: 2, tagName: 'html', attributes: {}, childNodes: [
              { id: 3, type: 2, tagName: 'body', attributes: {}, childNodes: [
                { id: BUTTON_ID, type: 2, tagName: 'button', attributes: {}, childNodes: [{ id: 11, type: 3, textContent: 'Check delivery' }] },
              ] },
            ] },
          ],
        },
      },
    },
  ];
}

const click = (ts: number): RecordedEvent => ({ type: 3, timestamp: ts, data: { source: 2, type: 2, id: BUTTON_ID, x: 10, y: 10 } });
const request = (endTs: number, durationMs: number, status: number, error?: string) =>
  customEvent(NETWORK_TAG, { initiator: 'fetch', method: 'POST', url: 'https://shop.example.com/api/delivery?zip=*', status, durationMs, sizeBytes: null, ...(error ? { error } : {}) }, endTs);

describe('failed requests and console errors in the insights', () => {
  it('a click followed by a request that fails with a 5xx is an error click, even when the answer comes late', () => {
    // The request starts 100 ms after the click and fails 4 s later.
    const facts = extractFacts([...page(), click(T0 + 1_000), request(T0 + 5_100, 4_000, 503), { type: 3, timestamp: T0 + 9_000, data: { source: 3, id: 1, x: 0, y: 0 } }]);
    expect(detectErrorClicks(facts)).toEqual([{ type: 'error_click', ts: T0 + 1_000, label: 'Click on “Check delivery” made a request that failed: POST /api/delivery → 503' }]);
    expect(detectDeadClicks(facts)).toEqual([]);
  });

  it('a network error and a console error count; a 4xx, an abort and an ordinary log do not', () => {
    const failing = extractFacts([...page(), click(T0 + 1_000), request(T0 + 1_300, 100, 0, 'network')]);
    expect(detectErrorClicks(failing).map((signal) => signal.label)).toEqual(['Click on “Check delivery” made a request that failed: POST /api/delivery → network error']);
    const logged = extractFacts([...page(), click(T0 + 1_000), customEvent(CONSOLE_TAG, { level: 'error', text: 'Delivery failed' }, T0 + 1_200)]);
    expect(detectErrorClicks(logged).map((signal) => signal.label)).toEqual(['Click on “Check delivery” logged the error “Delivery failed”']);
    const benign = extractFacts([
      ...page(),
      click(T0 + 1_000),
      request(T0 + 1_200, 100, 404),
      request(T0 + 1_300, 100, 0, 'aborted'),
      customEvent(CONSOLE_TAG, { level: 'log', text: 'clicked' }, T0 + 1_100),
    ]);
    expect(detectErrorClicks(benign)).toEqual([]);
    expect([benign.failedRequests, benign.consoleErrors]).toEqual([[], []]);
  });

  it('shows failed requests and console errors in the timeline', () => {
    const facts = extractFacts([...page(), click(T0 + 1_000), request(T0 + 1_500, 400, 503), customEvent(CONSOLE_TAG, { level: 'error', text: 'Delivery failed' }, T0 + 1_600)]);
    const lines = buildTimeline(facts, []).map((entry) => `${entry.kind}: ${entry.text}`);
    expect(lines).toContain('network: Request failed: POST /api/delivery → 503');
    expect(lines).toContain('console: Console error: Delivery failed');
  });
});
