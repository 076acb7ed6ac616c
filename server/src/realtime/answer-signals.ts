import type { Namespace } from 'socket.io';

const ABORT_EVENT = 'chat:abort-answer';

/**
 * Stops an AI answer on whichever node streams it: a server-side emit, which the adapter carries to
 * every other node (the emitting node does not hear its own; it stops its local stream itself).
 */
export interface AnswerSignals {
  /** Tells the other nodes to stop the session's answer, except the one with replyId `keep` (a newer one). */
  abortElsewhere(sessionId: string, keep?: string): void;
  onAbort(listener: (sessionId: string, keep: string | undefined) => void): void;
}

/** Without a cluster there is no elsewhere: the in-memory adapter refuses server-side emits. */
export const singleNodeSignals: AnswerSignals = { abortElsewhere() {}, onAbort() {} };

type ServerSideEvents = {
  serverSideEmit(event: string, sessionId: string, keep: string | null): boolean;
  on(event: string, listener: (sessionId: unknown, keep: unknown) => void): unknown;
};

export function clusterSignals(nsp: Namespace): AnswerSignals {
  const bus = nsp as unknown as ServerSideEvents;
  return {
    abortElsewhere(sessionId, keep) {
      bus.serverSideEmit(ABORT_EVENT, sessionId, keep ?? null);
    },
    onAbort(listener) {
      bus.on(ABORT_EVENT, (sessionId, keep) => {
        // From another node of ours, but checked like any input: ids are strings or nothing happens.
        if (typeof sessionId === 'string') listener(sessionId, typeof keep === 'string' ? keep : undefined);
      });
    },
  };
}
