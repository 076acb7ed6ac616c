import type { ChartBuckets, FeedItem, SessionRow } from '../../../server/src/protocol/activity.js';

/** Rows as the server sends them, for component tests. */
export const NOW = Date.parse('2026-11-22T12:00:00Z');

export function sessionRow(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    id: '65a000000000000000000001',
    visitorId: 'v3k9x2aa7b',
    visitorName: '',
    status: 'active',
    startedAt: '2026-11-22T11:55:00.000Z',
    endedAt: null,
    lastActivityAt: '2026-11-22T11:58:00.000Z',
    landingUrl: 'https://shop.example.com/checkout?step=2#pay',
    pageCount: 3,
    eventCount: 1234,
    messageCount: 2,
    hasReplay: true,
    signals: [],
    summary: null,
    ...overrides,
  };
}

export function feedItems(): FeedItem[] {
  return [
    {
      kind: 'prompt',
      id: '65a000000000000000000010',
      sessionId: '65a000000000000000000001',
      visitorId: 'v3k9x2aa7b',
      text: 'Where is my <img src=x onerror="window.__pwned=1"> order?',
      createdAt: '2026-11-22T11:59:00.000Z',
      answeredBy: 'waiting',
      session: { landingUrl: 'https://shop.example.com/checkout', status: 'active', hasReplay: true },
    },
    { kind: 'session', ...sessionRow() },
    {
      kind: 'prompt',
      id: '65a000000000000000000011',
      sessionId: '65a000000000000000000002',
      visitorId: 'v8q1',
      text: 'Do you ship to Norway?',
      createdAt: '2026-11-22T10:00:00.000Z',
      answeredBy: 'ai',
      session: { landingUrl: 'https://shop.example.com/', status: 'completed', hasReplay: false },
    },
    {
      kind: 'prompt',
      id: '65a000000000000000000012',
      sessionId: '65a000000000000000000002',
      visitorId: 'v8q1',
      text: 'Can a person help?',
      createdAt: '2026-11-22T09:59:00.000Z',
      answeredBy: 'agent',
      session: { landingUrl: 'https://shop.example.com/', status: 'completed', hasReplay: false },
    },
  ];
}

export const chartBuckets = (sessions: number[], prompts: number[]): ChartBuckets => ({
  range: '7d',
  unit: 'day',
  keys: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'],
  sessions,
  prompts,
});
