import type { Logger } from 'pino';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import type { Ack } from '../protocol/events.js';
import { watchSessionSchema } from '../protocol/replay-schemas.js';
import type { ConsoleAccess } from '../realtime/console-access.js';
import type { ConsoleNamespace } from '../realtime/console-namespace.js';
import { parseSessionRoom, sessionRoomsOf, watchRoom } from '../realtime/console-rooms.js';
import { sessionRoom, type VisitorNamespace } from '../realtime/visitor-namespace.js';
import type { Repositories } from '../storage/ports.js';
import type { ReplayService } from './replay-service.js';

const SESSION_ROOM_PREFIX = 'session:';

export interface LiveWatch {
  /** The ingest stored a batch: hand it to whoever watches the session (nobody, usually). */
  batchStored(session: { id: string; appId: string }, seq: number, data: Buffer): void;
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

  return {
    batchStored({ id: sessionId, appId }, seq, data) {
      consoleNsp.to(watchRoom(appId, sessionId)).emit('replay:batch', { sessionId, seq, data });
    },
  };
}
