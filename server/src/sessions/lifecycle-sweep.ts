import { VISITOR_GONE_GRACE_MS } from '../protocol/limits.js';
import { DEFAULT_APP_SETTINGS } from '../storage/app-settings.js';
import type { Repositories, SessionRecord } from '../storage/ports.js';
import { endOf, type EndReason, type SessionsService } from './sessions-service.js';

const MINUTE_MS = 60_000;
const SWEEP_BATCH = 500;

/**
 * The server decides when a session is over: idle past the application's timeout, past its maximum
 * duration, or its visitor gone (last connection closed, no activity since) past a grace period.
 * Runs per application because each has its own limits. `sessions.end` announces every change.
 */
export async function sweepLifecycle(deps: {
  repos: Repositories;
  sessions: SessionsService;
  now: () => Date;
  goneGraceMs?: number;
  onEnded?: (session: SessionRecord, reason: EndReason) => void;
}): Promise<number> {
  const { repos, sessions, now } = deps;
  let ended = 0;
  for (const appId of await repos.recordings.appIdsWithSessions('active')) {
    const app = await repos.apps.findById(appId);
    const { idleTimeoutMinutes, maxDurationMinutes } = app?.settings.recording ?? DEFAULT_APP_SETTINGS.recording;
    const at = now().getTime();
    const thresholds = {
      lastActivityBefore: new Date(at - idleTimeoutMinutes * MINUTE_MS),
      startedBefore: new Date(at - maxDurationMinutes * MINUTE_MS),
      disconnectedBefore: new Date(at - (deps.goneGraceMs ?? VISITOR_GONE_GRACE_MS)),
    };
    for (const session of await repos.recordings.listActiveDue(appId, thresholds, SWEEP_BATCH)) {
      const reason = endReasonOf(session, thresholds);
      if (!reason) continue;
      const completed = await sessions.end(session.id, reason, endOf(session, reason, maxDurationMinutes));
      if (completed) {
        ended += 1;
        deps.onEnded?.(completed, reason);
      }
    }
  }
  return ended;
}

/**
 * A batch the page sent just before it closed can be stored, and counted as activity, just after its
 * socket's disconnect was recorded (a loaded server): that is the visitor leaving, not coming back.
 */
export const IN_FLIGHT_AFTER_DISCONNECT_MS = 5_000;

export function endReasonOf(
  session: Pick<SessionRecord, 'startedAt' | 'lastActivityAt'> & { disconnectedAt: Date | null },
  t: { lastActivityBefore: Date; startedBefore: Date; disconnectedBefore: Date },
): EndReason | null {
  if (session.startedAt < t.startedBefore) return 'max-duration';
  if (session.lastActivityAt < t.lastActivityBefore) return 'idle-timeout';
  // Activity after the disconnect (beyond what was on its way) means the visitor came back (a new page, a reconnect).
  const cameBack = session.disconnectedAt && session.lastActivityAt.getTime() > session.disconnectedAt.getTime() + IN_FLIGHT_AFTER_DISCONNECT_MS;
  if (session.disconnectedAt && session.disconnectedAt < t.disconnectedBefore && !cameBack) {
    return 'visitor-gone';
  }
  return null;
}
