import { describe, expect, it } from 'vitest';
import { RECENT_SESSION_MS, recentSessions } from './recent-sessions.js';
import type { SessionDoc } from './session-model.js';

describe('recent session reads', () => {
  it('serves a read for RECENT_SESSION_MS, then reads again; forgets at once on request', () => {
    let now = 1_000;
    const recent = recentSessions(() => now);
    const doc = { status: 'active' } as unknown as SessionDoc;
    recent.set('a', doc);
    now += RECENT_SESSION_MS - 1;
    expect(recent.get('a')).toBe(doc);
    now += 1;
    expect(recent.get('a')).toBeNull();
    recent.set('b', doc);
    recent.forget(['b']);
    expect(recent.get('b')).toBeNull();
  });
});
