import type { Logger } from 'pino';
import type { Repositories } from '../storage/ports.js';

/** How long an AI answer holds its conversation without renewing: a node that died frees it after this. */
export const ANSWER_LEASE_MS = 20_000;
/** The answering node renews its lease this often while it streams. */
const ANSWER_LEASE_RENEW_MS = 5_000;

export interface HeldAnswer {
  /** Extends the lease now; false when it was lost. */
  renew(): Promise<boolean>;
  /** Stops renewing and gives the lease up; true when this answer still held it (only then is it stored). */
  release(): Promise<boolean>;
}

/**
 * The "answering" lease of a conversation (issue 16): whichever node a message or a page load
 * reaches, one AI answer per visitor message. Taken by one conditional update through the port, renewed
 * while the answer streams; `onLost` is called when a renewal finds it gone (a newer message took it).
 */
export async function claimAnswer(
  deps: { repos: Repositories; logger: Logger; now: () => Date },
  sessionId: string,
  lease: { holder: string; seq: number },
  onLost: () => void,
): Promise<HeldAnswer | null> {
  const { repos, logger, now } = deps;
  const until = () => new Date(now().getTime() + ANSWER_LEASE_MS);
  if (!(await repos.conversations.claimAnswer(sessionId, { ...lease, until: until() }, now()))) return null;
  const renewal = setInterval(() => {
    repos.conversations.renewAnswer(sessionId, lease.holder, until()).then(
      (held) => held || onLost(),
      (error: Error) => logger.warn({ err: error, sessionId }, 'could not renew the answering lease'),
    );
  }, ANSWER_LEASE_RENEW_MS).unref();
  let released: Promise<boolean> | undefined;
  return {
    renew: () => repos.conversations.renewAnswer(sessionId, lease.holder, until()),
    release() {
      clearInterval(renewal);
      return (released ??= repos.conversations.releaseAnswer(sessionId, lease.holder));
    },
  };
}
