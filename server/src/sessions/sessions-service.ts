import type { PublicSession, VisitorSession } from '../protocol/events.js';
import type { SessionStartInput } from '../protocol/schemas.js';
import { MAX_STARTUP_RECOUNTS } from '../protocol/limits.js';
import type { AppRecord, Repositories, SessionRecord } from '../storage/ports.js';

export type EndReason = 'visitor-ended' | 'idle-timeout' | 'max-duration' | 'erased' | 'visitor-gone';

export function visitorSession(session: SessionRecord): VisitorSession {
  return { id: session.id, status: session.status, startedAt: session.startedAt.toISOString() };
}

export function publicSession(session: SessionRecord): PublicSession {
  return {
    id: session.id,
    appId: session.appId,
    visitorId: session.visitorId,
    status: session.status,
    startedAt: session.startedAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    endReason: session.endReason,
    landingUrl: session.landingUrl,
    pageCount: session.pageCount,
    eventCount: session.eventCount,
    bytes: session.bytes,
    chunkCount: session.chunkCount,
    userAgent: session.userAgent,
    viewport: session.viewport,
  };
}

export interface SessionsServiceOptions {
  now?: () => Date;
  idleTimeoutMs?: number;
  /** Told about every new session and every status change (the realtime layer fans it out). */
  onChange?: (session: SessionRecord) => void;
}

export interface SessionsService {
  /** The visitor's active session in this application, or null. */
  active(app: AppRecord, visitorId: string): Promise<SessionRecord | null>;
  /** Resumes the visitor's active session (a new page of it) or starts one. */
  startOrResume(
    app: AppRecord,
    visitorId: string,
    input: SessionStartInput & { userAgent: string },
  ): Promise<{ session: SessionRecord; resumed: boolean }>;
  /** `endedAt`: when the visit really ended (the visitor's last activity), when that is not now. */
  end(sessionId: string, reason: EndReason, endedAt?: Date): Promise<SessionRecord | null>;
  /** At start-up: recounts sessions left active by a previous process (at most MAX_STARTUP_RECOUNTS). */
  repairActiveCounters(): Promise<number>;
}

export function createSessionsService(repos: Repositories, options: SessionsServiceOptions = {}): SessionsService {
  const now = options.now ?? (() => new Date());
  const changed = (session: SessionRecord) => options.onChange?.(session);

  const service: SessionsService = {
    async active(app, visitorId) {
      const session = await repos.sessions.findActiveForVisitor(app.id, visitorId);
      // The application's own limits decide (the sweep applies the same ones, see lifecycle-sweep.ts).
      const limits = app.settings.recording;
      const overdue = session && now().getTime() - session.startedAt.getTime() > limits.maxDurationMinutes * 60_000;
      const idleMs = options.idleTimeoutMs ?? limits.idleTimeoutMinutes * 60_000;
      const idle = session && now().getTime() - session.lastActivityAt.getTime() > idleMs;
      if (session && (overdue || idle)) {
        await service.end(session.id, overdue ? 'max-duration' : 'idle-timeout', endOf(session, overdue ? 'max-duration' : 'idle-timeout', limits.maxDurationMinutes));
        return null;
      }
      return session;
    },
    async startOrResume(app, visitorId, input) {
      const current = await service.active(app, visitorId);
      if (current) {
        const resumed = await repos.sessions.addPage(current.id, input.url, now());
        return { session: resumed ?? current, resumed: true };
      }
      const session = await repos.sessions.create({
        appId: app.id,
        visitorId,
        startedAt: now(),
        landingUrl: input.url,
        userAgent: input.userAgent,
        viewport: input.viewport,
      });
      changed(session);
      return { session, resumed: false };
    },
    async end(sessionId, reason, endedAt) {
      const completed = await repos.sessions.complete(sessionId, endedAt ?? now(), reason);
      if (!completed) return null;
      // The counters a crash left short are put right once, now the recording is complete.
      const counters = await repos.recordings.recount(sessionId);
      const session = counters ? { ...completed, ...counters } : completed;
      changed(session);
      return session;
    },
    async repairActiveCounters() {
      const active = await repos.sessions.listActive();
      for (const session of active.slice(0, MAX_STARTUP_RECOUNTS)) await repos.recordings.recount(session.id);
      return Math.min(active.length, MAX_STARTUP_RECOUNTS);
    },
  };
  return service;
}

/**
 * When a session the server ends really ended: at the visitor's last activity (idle, gone) or at its
 * maximum duration — never when the sweep noticed, so a 45-second visit lasts 45 seconds (issue 18).
 */
export function endOf(session: Pick<SessionRecord, 'startedAt' | 'lastActivityAt'>, reason: EndReason, maxDurationMinutes: number): Date {
  if (reason === 'max-duration') return new Date(session.startedAt.getTime() + maxDurationMinutes * 60_000);
  return session.lastActivityAt;
}
