import type { Logger } from 'pino';
import { AppError } from '../http/app-error.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { assertMayRecord } from '../consent/consent-handlers.js';
import { ownSession } from '../realtime/own-session.js';
import { commandHandler, sessionRoom, type VisitorNamespace, type VisitorSocket } from '../realtime/visitor-namespace.js';
import type { Repositories } from '../storage/ports.js';
import type { IngestService } from './ingest-service.js';

export interface IngestHandlerDeps {
  nsp: VisitorNamespace;
  repos: Repositories;
  ingest: IngestService;
  logger: Logger;
  now?: () => Date;
  metrics?: Pick<ServerMetrics, 'batchAcked'>;
}

/**
 * `recording:start` and `recording:batch` on a visitor socket. A socket writes only to the session it
 * started or resumed itself (own-session.ts); anything else is E_SESSION_MISMATCH. Without the consent
 * the application asks for, nothing is opened or stored (consent/consent-handlers.ts).
 */
export function registerIngestHandlers(socket: VisitorSocket, deps: IngestHandlerDeps): void {
  const { nsp, repos, ingest, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const handle = commandHandler(socket, logger);

  handle('recording:start', async (payload) => {
    assertMayRecord(socket);
    return ingest.open(await ownSession(socket, repos, payload));
  });

  handle('recording:batch', async (payload) => {
    const started = performance.now();
    const { seq, data } = (payload ?? {}) as { seq?: unknown; data?: unknown };
    const received = data instanceof Uint8Array ? data.byteLength : 0;
    try {
      assertMayRecord(socket);
      const session = await ownSession(socket, repos, payload, 'recent');
      const stored = await ingest.store(session, seq, data, { via: 'socket', address: socket.data.address });
      deps.metrics?.batchAcked(stored.stored ? 'stored' : 'duplicate', received, (performance.now() - started) / 1000);
      return stored;
    } catch (error) {
      deps.metrics?.batchAcked(error instanceof AppError ? error.code : 'E_INTERNAL', received, (performance.now() - started) / 1000);
      throw error;
    }
  });

  socket.on('disconnect', () => {
    const sessionId = socket.data.sessionId;
    if (!sessionId) return;
    // Another tab of the same visitor may still be there; only the last one leaving starts the grace period.
    void nsp
      .in(sessionRoom(sessionId))
      .fetchSockets()
      .then(async (others) => {
        if (others.length === 0) await repos.recordings.markDisconnected(sessionId, now());
      })
      .catch((error: Error) => logger.warn({ err: error }, 'could not mark the visitor as gone'));
  });
}
