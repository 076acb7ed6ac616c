import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS } from '../../../server/src/protocol/limits.js';
import type { ConnectionController } from '../connection-controller.js';
import type { ChatController } from './chat-controller.js';
import { FeedbackController } from './feedback-controller.js';

/** A connection whose socket records what the widget emits and lets the test play the server's events. */
function fakeConnection() {
  const emitted: Array<{ event: string; payload: unknown }> = [];
  const handlers = new Map<string, (payload: any) => void>();
  const socket = {
    connected: true,
    emit: (event: string, payload: unknown) => emitted.push({ event, payload }),
    on: (event: string, handler: (payload: any) => void) => handlers.set(event, handler),
  };
  const readyListeners: Array<(s: typeof socket) => void> = [];
  const connection = {
    socket,
    status: 'online',
    sessionBound: true,
    session: { id: 'session-1' },
    onReady: (listener: (s: typeof socket) => void) => {
      readyListeners.push(listener);
      listener(socket);
      return () => {};
    },
    onSession: () => () => {},
  };
  return { connection: connection as unknown as ConnectionController, emitted, server: (event: string, payload: unknown) => handlers.get(event)?.(payload) };
}

function controller() {
  const fake = fakeConnection();
  const host = { addController: () => {}, requestUpdate: vi.fn() };
  const feedback = new FeedbackController(host as never, fake.connection, { state: 'ai', aiAvailable: true, messages: [] } as unknown as ChatController);
  feedback.hostConnected();
  return { ...fake, feedback, host };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('FeedbackController typing (issue 18)', () => {
  it('says "typing" at most once per throttle interval while keys are pressed, and "stopped" after a pause', () => {
    const { feedback, emitted } = controller();
    for (let i = 0; i < 20; i++) {
      feedback.typed();
      vi.advanceTimersByTime(50); // a key every 50 ms for a second
    }
    expect(emitted).toEqual([{ event: 'chat:typing', payload: { typing: true } }]);
    vi.advanceTimersByTime(TYPING_THROTTLE_MS);
    feedback.typed();
    expect(emitted).toHaveLength(2);
    vi.advanceTimersByTime(TYPING_THROTTLE_MS * 2);
    expect(emitted.at(-1)).toEqual({ event: 'chat:typing', payload: { typing: false } });
    // Stopped once: nothing more without new keys.
    feedback.stoppedTyping();
    expect(emitted).toHaveLength(3);
  });

  it('shows the team typing until they stop, reply, or go quiet for the expiry; another session\'s typing is ignored', () => {
    const { feedback, server } = controller();
    server('chat:typing', { sessionId: 'another-session', typing: true });
    expect(feedback.agentTyping).toBe(false);
    server('chat:typing', { sessionId: 'session-1', typing: true });
    expect(feedback.agentTyping).toBe(true);
    server('chat:message', { message: { role: 'agent', sessionId: 'session-1' } });
    expect(feedback.agentTyping).toBe(false);
    server('chat:typing', { sessionId: 'session-1', typing: true });
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(feedback.agentTyping).toBe(true);
    vi.advanceTimersByTime(1);
    expect(feedback.agentTyping).toBe(false);
  });
});
