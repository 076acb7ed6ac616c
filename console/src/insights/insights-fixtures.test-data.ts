import type { SessionInsights } from '../../../server/src/protocol/insights.js';

/** Insights as the server sends them, for component tests. The recording starts at RECORDING_START_TS. */
export const RECORDING_START_TS = Date.parse('2026-11-22T11:55:00.000Z');

export function readyInsights(overrides: Partial<SessionInsights> = {}): SessionInsights {
  return {
    status: 'ready',
    computedAt: '2026-11-22T12:00:00.000Z',
    signals: [
      { type: 'rage_click', ts: RECORDING_START_TS + 12_000, offsetMs: 12_000, label: '4 clicks on “Apply coupon”' },
      { type: 'dead_click', ts: RECORDING_START_TS + 12_400, offsetMs: 12_400, label: 'Click on “Apply coupon” changed nothing' },
      { type: 'js_error', ts: RECORDING_START_TS + 65_000, offsetMs: 65_000, label: 'TypeError: <b>order</b> is null' },
    ],
    summary: {
      text: 'The visitor tried to apply a coupon [00:12] and clicked it again and again.\nAt [1:05] tracking the order failed with an error.\nThey left.',
      source: 'deterministic',
      generatedAt: '2026-11-22T12:00:00.000Z',
    },
    timeline: [{ ts: RECORDING_START_TS + 1000, offsetMs: 1000, kind: 'page', text: 'Opened /demo/' }],
    ...overrides,
  };
}
