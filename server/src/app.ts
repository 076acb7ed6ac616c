import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express from 'express';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { createAppsService } from './apps/apps-service.js';
import { appsRoutes } from './apps/apps-routes.js';
import { authRoutes, requireUser } from './auth/auth-routes.js';
import { createAuthService } from './auth/auth-service.js';
import type { Config } from './config.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { staticRoutes } from './http/static-routes.js';
import { CONSOLE_NAMESPACE, VISITOR_NAMESPACE } from './protocol/events.js';
import { MAX_JSON_BODY_BYTES, MAX_SOCKET_MESSAGE_BYTES, SESSION_SWEEP_INTERVAL_MS } from './protocol/limits.js';
import { appRoom, setupConsoleNamespace, type ConsoleNamespace } from './realtime/console-namespace.js';
import { setupVisitorNamespace, type VisitorNamespace } from './realtime/visitor-namespace.js';
import { createSessionsService, publicSession, type SessionsService } from './sessions/sessions-service.js';
import type { Database } from './storage/database.js';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  db: Database;
  now?: () => Date;
}

export interface Application {
  httpServer: HttpServer;
  io: SocketServer;
  sessions: SessionsService;
  /** Stops accepting connections and closes sockets; the database is the caller's to close. */
  close(): Promise<void>;
}

/** Builds the whole server from its dependencies. Listening is the caller's job (main.ts, tests). */
export async function createApplication({ config, logger, db, now }: AppDependencies): Promise<Application> {
  const cookieSecret = config.cookieSecret ?? (await db.repos.instance.cookieSecret(() => randomBytes(32).toString('base64url')));
  const auth = createAuthService(db.repos, now);
  const apps = createAppsService(db.repos);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(compression());
  app.use(cookieParser(cookieSecret));

  app.get('/healthz', async (_req, res) => {
    const database = await db.health();
    res.status(database.connected ? 200 : 503).json({ status: database.connected ? 'ok' : 'degraded', database });
  });

  const api = express.Router();
  api.use(express.json({ limit: MAX_JSON_BODY_BYTES }));
  api.use('/auth', authRoutes(auth));
  api.use('/apps', requireUser(auth), appsRoutes(apps));
  api.use(notFoundHandler);
  app.use('/api', api);

  app.use(staticRoutes(db.repos));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const httpServer = createServer(app);
  const io = new SocketServer(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    serveClient: false,
    // Origins are checked per application in the visitor namespace, not by CORS.
    cors: { origin: true, credentials: false },
  });
  const consoleNsp = io.of(CONSOLE_NAMESPACE) as ConsoleNamespace;
  const sessions = createSessionsService(db.repos, {
    now,
    onChange: (session) => consoleNsp.to(appRoom(session.appId)).emit('session:changed', { session: publicSession(session) }),
  });
  setupVisitorNamespace(io.of(VISITOR_NAMESPACE) as VisitorNamespace, { repos: db.repos, sessions, logger });
  setupConsoleNamespace(consoleNsp, auth, cookieSecret, logger);

  const sweeper = setInterval(() => {
    sessions.sweepIdle().catch((error: Error) => logger.error({ err: error }, 'idle session sweep failed'));
  }, SESSION_SWEEP_INTERVAL_MS).unref();

  return {
    httpServer,
    io,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweeper);
        io.close(() => resolve());
      }),
  };
}
