import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import type { Ack } from '../protocol/events.js';
import { LIVE_FANOUT_BYTES_PER_SECOND, LIVE_RESYNC_INTERVAL_MS } from '../protocol/limits.js';
import { watchSessionSchema } from '../protocol/replay-schemas.js';
import type { ConsoleAccess } from '../realtime/console-access.js';
import type { ConsoleNamespace } from '../realtime/console-namespace.js';
import { parseSessionRoom, sessionRoomsOf, watchRoom } from '../realtime/console-rooms.js';
import { sessionRoom, type VisitorNamespace } from '../realtime/visitor-namespace.js';
import type { Repositories } from '../storage/ports.js';
import type { ReplayService } from './replay-service.js';

const SESSION_ROOM_PREFIX = 'session:';

export interface LiveWatch {
  /** The ingest took a batch (checked, about to be written): hand it to whoever watches the session (nobody, usually). */
  batchAccepted(session: { id: string; appId: string }, seq: number, data: Buffer): void;
}

/**
 * Live watch, built only on Socket.IO rooms so several nodes can share it through an adapter:
 * watchers are the `watch:<appId>:<id>` room (console-rooms.ts), the visitor's tabs the `session:<id>` room. The widget is told
 * when watching starts (take a fresh full snapshot, send batches often) and when the room empties.
 */
export function setupLiveWatch(deps: {
  consoleNsp: ConsoleNamespace;
  visitorNsp: VisitorNamespace;
  repos: Repositories;
  replay: ReplayService;
  access: ConsoleAccess;
  logger: Logger;
}): LiveWatch {
  const { consoleNsp, visitorNsp, repos, replay, access, logger } = deps;
  const watcherCount = async (appId: string, sessionId: string) => (await consoleNsp.in(watchRoom(appId, sessionId)).fetchSockets()).length;
  const notifyOf = async (appId: string) => (await repos.apps.findById(appId))?.settings.privacy.notifyWhenWatched ?? true;

  async function announce(sessionId: string, target: string, watched: boolean) {
    const session = await repos.sessions.findById(sessionId);
    if (!session) return;
    const notify = watched && (await notifyOf(session.appId));
    visitorNsp.to(target).emit('recording:watched', { sessionId, watched, notify });
  }
  const report = (what: string) => (error: unknown) => logger.error({ err: error }, what);

  // The last watcher left (unwatch, closed tab, lost connection): the widget returns to its rhythm.
  consoleNsp.adapter.on('leave-room', (room: string) => {
    const watched = parseSessionRoom(room);
    if (watched?.kind !== 'watch') return;
    const { appId, sessionId } = watched;
    watcherCount(appId, sessionId)
      .then((count) => (count === 0 ? announce(sessionId, sessionRoom(sessionId), false) : undefined))
      .catch(report('live watch: leave failed'));
  });

  // A visitor tab joining a watched session (next page, reconnect) starts in the watched mode too.
  visitorNsp.adapter.on('join-room', (room: string, socketId: string) => {
    const app = visitorNsp.sockets.get(socketId)?.data.app;
    if (!room.startsWith(SESSION_ROOM_PREFIX) || !app) return;
    const sessionId = room.slice(SESSION_ROOM_PREFIX.length);
    watcherCount(app.id, sessionId)
      .then((count) => (count > 0 ? announce(sessionId, socketId, true) : undefined))
      .catch(report('live watch: join failed'));
  });

  consoleNsp.on('connection', (socket) => {
    const command = (event: 'replay:watch' | 'replay:unwatch', run: (sessionId: string) => Promise<{ watchers: number }>) => {
      socket.on(event, async (payload: unknown, ack: Ack<{ watchers: number }>) => {
        if (typeof ack !== 'function') return;
        try {
          ack({ data: await run(validate(watchSessionSchema, payload).sessionId) });
        } catch (error) {
          if (!(error instanceof AppError)) logger.error({ err: error, event }, 'console replay command failed');
          ack((error instanceof AppError ? error : new AppError('E_INTERNAL')).toBody());
        }
      });
    };

    command('replay:watch', async (sessionId) => {
      const { appId } = await replay.sessionFor(await access.currentUser(socket), sessionId);
      await access.joinWhileMember(socket, appId, watchRoom(appId, sessionId));
      // Every new watcher asks for a fresh full snapshot: it has no history to start from.
      await announce(sessionId, sessionRoom(sessionId), true);
      return { watchers: await watcherCount(appId, sessionId) };
    });

    command('replay:unwatch', async (sessionId) => {
      // Not watching it: nothing to leave, and no count of a session this socket was not let watch.
      const [room] = sessionRoomsOf(socket.rooms, 'watch', sessionId);
      if (!room) return { watchers: 0 };
      await socket.leave(room);
      return { watchers: await watcherCount(parseSessionRoom(room)!.appId, sessionId) };
    });
  });

  // The fan-out of one session is bounded by bytes per second (a hostile page can record far faster
  // than any agent watches): past the budget a batch is dropped, never buffered, the watchers are told,
  // and the widget is asked for a fresh full snapshot so their players resync (at most once per
  // LIVE_RESYNC_INTERVAL_MS). Counted per server process, which is what each process sends.
  const fanout = new RateLimiterMemory({ points: LIVE_FANOUT_BYTES_PER_SECOND, duration: 1 });
  const resync = new RateLimiterMemory({ points: 1, duration: LIVE_RESYNC_INTERVAL_MS / 1000 });
  const dropped = async ({ id: sessionId, appId }: { id: string; appId: string }, seq: number) => {
    consoleNsp.to(watchRoom(appId, sessionId)).emit('replay:gap', { sessionId, seq });
    const allowed = await resync.consume(sessionId).then(() => true, () => false);
    // Asked only while someone watches: the widget tells its visitor when it is watched.
    if (allowed && (await watcherCount(appId, sessionId)) > 0) await announce(sessionId, sessionRoom(sessionId), true);
  };

  return {
    batchAccepted({ id: sessionId, appId }, seq, data) {
      fanout.consume(sessionId, data.length).then(
        () => consoleNsp.to(watchRoom(appId, sessionId)).emit('replay:batch', { sessionId, seq, data }),
        (refusal: unknown) => {
          if (!(refusal instanceof RateLimiterRes)) return report('live watch: fan-out budget failed')(refusal);
          return dropped({ id: sessionId, appId }, seq).catch(report('live watch: resync failed'));
        },
      );
    },
  };
}
