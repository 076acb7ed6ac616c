import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express from 'express';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { createAppsService } from './apps/apps-service.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { appsRoutes } from './apps/apps-routes.js';
import { widgetAppearanceRoutes } from './apps/widget-appearance-routes.js';
import { authRoutes, requireUser } from './auth/auth-routes.js';
import { createAuthService } from './auth/auth-service.js';
import { createLoginLimits } from './auth/login-limits.js';
import { pooledPasswordHasher } from './auth/passwords.js';
import { consoleOriginGuard, type TrustProxy } from './http/console-origin.js';
import { memoryRateLimits, redisRateLimits } from './rate-limits/rate-limiter.js';
import { createConsoleAccess } from './realtime/console-access.js';
import { connectCluster } from './realtime/cluster-link.js';
import { clusterSignals, singleNodeSignals } from './realtime/answer-signals.js';
import { appRoom } from './realtime/console-rooms.js';
import type { WorkerPool } from './workers/worker-pool.js';
import type { Config } from './config.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { demoApiRoutes } from './http/demo-api-routes.js';
import { staticRoutes } from './http/static-routes.js';
import { CONSOLE_NAMESPACE, VISITOR_NAMESPACE } from './protocol/events.js';
import { MAX_JSON_BODY_BYTES, MAX_SOCKET_MESSAGE_BYTES, SESSION_SWEEP_INTERVAL_MS } from './protocol/limits.js';
import { setupConsoleNamespace, type ConsoleNamespace } from './realtime/console-namespace.js';
import { commandHandler, sessionRoom, setupVisitorNamespace, type VisitorNamespace } from './realtime/visitor-namespace.js';
import { createVisitorLimits } from './realtime/visitor-limits.js';
import { setupLiveWatch, type LiveWatch } from './replay/live-watch.js';
import { replayRoutes } from './replay/replay-routes.js';
import { createReplayService } from './replay/replay-service.js';
import { createSessionsService, publicSession, type SessionsService } from './sessions/sessions-service.js';
import { registerIngestHandlers } from './ingest/ingest-handlers.js';
import { ingestRoutes } from './ingest/ingest-routes.js';
import { createIngestService } from './ingest/ingest-service.js';
import { recordingRoutes } from './ingest/recording-routes.js';
import { endAndEraseVisitor, runRetention, type ErasureDeps } from './ingest/retention.js';
import { createConsentHandlers } from './consent/consent-handlers.js';
import { RETENTION_SWEEP_INTERVAL_MS } from './protocol/limits.js';
import { sweepLifecycle } from './sessions/lifecycle-sweep.js';
import { leasedJobs } from './jobs/leased-jobs.js';
import { inFlightCommands } from './realtime/in-flight-commands.js';
import { resolveQuietConversations } from './chat/quiet-conversations.js';
import type { ChatService } from './chat/chat-service.js';
import type { EndReason } from './sessions/sessions-service.js';
import type { SessionRecord } from './storage/ports.js';
import type { Storage } from './storage/ports.js';
import { checkAiModel } from './ai/ai-model.js';
import { createAiResponder } from './ai/ai-responder.js';
import { aiRoutes } from './ai/ai-routes.js';
import { createChatPublisher } from './chat/chat-publisher.js';
import { createChatService } from './chat/chat-service.js';
import { registerConsoleChatHandlers } from './chat/console-chat-handlers.js';
import { useIdentityCheck } from './chat/identity-middleware.js';
import { registerVisitorChatHandlers } from './chat/visitor-chat-handlers.js';
import { activityRoutes } from './activity/activity-routes.js';
import { createActivityService } from './activity/activity-service.js';
import { createTeamService } from './team/team-service.js';
import { teamRoutes } from './team/team-routes.js';
import { baseSecurityHeaders } from './http/security-headers.js';
import { withPromptAnnouncements } from './activity/prompt-announcer.js';
import { createInsightsService } from './insights/insights-service.js';
import { createRecordingCompactor, type RecordingCompactor } from './recordings/recording-compactor.js';
import { insightsRoutes } from './insights/insights-routes.js';
import { createAiSummarizer } from './insights/summaries.js';
import { createFontService } from './fonts/font-service.js';
import { registerFontHandlers } from './fonts/font-handlers.js';
import { fontRoutes } from './fonts/font-routes.js';
import { createHeatmapsService } from './heatmaps/heatmaps-service.js';
import { heatmapsRoutes } from './heatmaps/heatmaps-routes.js';
import { registerStruggleHandlers } from './struggle/struggle-handlers.js';
import { createStruggleService } from './struggle/struggle-service.js';
import { registerConsoleTypingHandler, registerVisitorFeedbackHandlers } from './feedback/feedback-handlers.js';
import { createFeedbackService } from './feedback/feedback-service.js';
import { conversationSummary } from './chat/chat-wire.js';
import { createApiTokensService } from './api/api-tokens-service.js';
import { apiTokenRoutes } from './api/api-token-routes.js';
import { apiV1Routes } from './api/api-v1-routes.js';
import { openApiDocument } from './api/api-openapi.js';
import { createWebhooksService } from './webhooks/webhooks-service.js';
import { startWebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';
import { sessionCompletedData, withMessageWebhooks, withWaitingWebhooks } from './webhooks/webhook-events.js';
import { WEBHOOK_POLL_MS } from './protocol/limits.js';

/** How long closing waits for the answers of commands under way (main.ts gives the whole shutdown 10 s). */
const CLOSE_ANSWERS_MAX_MS = 4_000;

export interface AppDependencies {
  config: Config;
  logger: Logger;
  db: Storage;
  /** CPU-heavy work off the event loop; the caller owns it (closes it after the app). */
  workers: WorkerPool;
  now?: () => Date;
  /** Tests only: the periodic jobs' intervals (the sweep's and retention's defaults are in protocol/limits.ts). */
  jobIntervals?: { sweepMs: number; retentionMs: number };
  /** Tests only: how often this node looks for due webhook deliveries (default WEBHOOK_POLL_MS). */
  webhookPollMs?: number;
}

export interface Application {
  httpServer: HttpServer;
  io: SocketServer;
  sessions: SessionsService;
  /** The chat: its periodic jobs (the quiet-period resolution) are also run by tests with their own clock. */
  chat: ChatService;
  /** Compacts completed recordings (issue 20): tests and the benchmark run it on a session of theirs. */
  compaction: RecordingCompactor;
  /** Hands stored recording batches to agents watching live. */
  liveWatch: LiveWatch;
  /** Readiness off (/readyz 503): a balancer stops sending new clients here; the rest goes on (graceful drain). */
  drain(): void;
  /** Stops accepting connections and closes sockets; the database is the caller's to close. */
  close(): Promise<void>;
}

/** Builds the whole server from its dependencies. Listening is the caller's job (main.ts, tests). */
export async function createApplication({ config, logger, db, workers, now, jobIntervals, webhookPollMs }: AppDependencies): Promise<Application> {
  const cookieSecret = config.cookieSecret ?? (await db.repos.instance.cookieSecret(() => randomBytes(32).toString('base64url')));
  const passwords = pooledPasswordHasher(workers);
  const auth = createAuthService(db.repos, passwords, now);
  // REDIS_URL: rooms, recovery and rate limits shared by every node; unset: one process, nothing shared.
  const cluster = config.redisUrl ? await connectCluster(config.redisUrl, logger) : null;
  // Rate-limit counters live here: memory on one node; in Redis with REDIS_URL, counted by all nodes together.
  const rateLimits = cluster ? redisRateLimits(cluster.redis) : memoryRateLimits;

  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-* headers are believed: loopback by default, the balancers' addresses with TRUST_PROXY.
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);
  const io = new SocketServer(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    serveClient: false,
    // Cross-origin by design for the widget: the visitor namespace checks each application's origins,
    // the console namespace its own origin (console-origin.ts). CORS is not what protects either.
    cors: { origin: true, credentials: false },
    ...cluster?.socketOptions,
  });
  const consoleNsp = io.of(CONSOLE_NAMESPACE) as ConsoleNamespace;
  const consoleOrigins = consoleOriginGuard(config.consoleOrigins, app.get('trust proxy fn') as TrustProxy);
  // Open consoles follow every change of access at once (an application created, a member given or
  // taken away, a role changed, an account removed, a sign-out).
  const access = createConsoleAccess(consoleNsp, auth, db.repos);
  const apps = createAppsService(db.repos, {
    onMembersChanged: (userId) => access.membershipsChanged(userId),
    erase: (appId) => db.eraseApp(appId),
    users: () => db.team.list(),
    // A deleted application's visitors are disconnected (through their session rooms: on every node).
    onErasing: async (appId) => {
      const visitors = io.of(VISITOR_NAMESPACE);
      for (const session of await db.repos.sessions.listActive()) if (session.appId === appId) visitors.in(sessionRoom(session.id)).disconnectSockets(true);
    },
  });
  // Webhooks (issue 22): every node sends from the queue in the database; events are queued where they happen.
  const dispatcher = startWebhookDispatcher({ webhooks: db.webhooks, logger, now, retryBaseMs: config.webhooks.retryBaseMs, pollMs: webhookPollMs ?? WEBHOOK_POLL_MS });
  const webhooks = createWebhooksService({ webhooks: db.webhooks, apps, logger, now, queued: () => dispatcher.nudge() });
  app.use(compression());
  app.use(baseSecurityHeaders());
  app.use(cookieParser(cookieSecret));

  app.get('/healthz', async (_req, res) => {
    const database = await db.health();
    res.status(database.connected ? 200 : 503).json({ status: database.connected ? 'ok' : 'degraded', database });
  });
  // Readiness, for a balancer: this node takes new clients (database and Redis reachable, not draining).
  // Liveness is /healthz. Both are cheap: one ping each.
  let draining = false;
  app.get('/readyz', async (_req, res) => {
    if (draining) return void res.status(503).json({ ready: false, reason: 'draining' });
    const database = await db.health();
    const redis = cluster?.ready() ?? true;
    const ready = database.connected && redis;
    res.status(ready ? 200 : 503).json({ ready, ...(ready ? {} : { reason: database.connected ? 'redis unreachable' : 'database unreachable' }) });
  });

  // This node's figures for Prometheus (who may read them: metrics-route.ts).
  const metrics = createServerMetrics(db.ingest);
  metrics.connections(() => ({ visitors: io.of(VISITOR_NAMESPACE).sockets.size, agents: consoleNsp.sockets.size }));
  app.use(metricsRoute(metrics, config.metricsToken));

  const api = express.Router();
  api.use(consoleOrigins.middleware);
  api.use(express.json({ limit: MAX_JSON_BODY_BYTES }));
  api.use('/auth', authRoutes(auth, { limits: createLoginLimits(rateLimits), onSignedOut: (tokenHash) => access.ended('signed-out', { tokenHash }) }));
  const replay = createReplayService(db.repos, apps);
  api.use('/apps', requireUser(auth), replayRoutes(replay));
  // The recorded pages' font files, shared by the widget and loaded by the replay (issue 19).
  const fonts = createFontService({ fonts: db.fonts, apps, rateLimits, now });
  api.use('/apps', requireUser(auth), fontRoutes(fonts));
  // The configured model, checked once: a deprecated or retired one is reported here, and in the console.
  const aiModel = checkAiModel(config, logger, now?.());
  api.use('/ai', requireUser(auth), aiRoutes(aiModel));
  // Heatmaps (issue 22, part 4): counted from each completed session's analysis, read from the aggregates.
  const heatmaps = createHeatmapsService({ heatmaps: db.heatmaps, apps });
  api.use('/apps', requireUser(auth), heatmapsRoutes(heatmaps));
  // A completed recording stored again as a few brotli segments (issue 20).
  const compaction = createRecordingCompactor({ repos: db.repos, workers, logger });
  // Insights (issue #7): computed in the background when a session completes, or on request.
  const insights = createInsightsService({
    repos: db.repos,
    store: db.insights,
    apps,
    // A model that no longer answers writes no summaries either: the deterministic one is used.
    summarizer: aiModel?.usable ? createAiSummarizer(config) : null,
    workers,
    logger,
    now,
    heatmaps,
    onReady: (session) => consoleNsp.to(appRoom(session.appId)).emit('session:changed', { session: publicSession(session) }),
    onCompletedAnalysed: (session, stored) => {
      // Compacted after its analysis, which reads the chunks as the widget sent them (issue 20).
      compaction.sessionCompleted(session);
      return webhooks.emit(session.appId, 'session.completed', sessionCompletedData(session, stored), session.visitorId);
    },
  });
  api.use('/apps', requireUser(auth), insightsRoutes(insights));
  const erasure: ErasureDeps = {
    repos: db.repos,
    endSession: (id, reason) => sessions.end(id, reason),
    onEnded: (session, reason) => announceEnded(session, reason),
    onVisitorErased: (appId, visitorId, deleted) => void webhooks.visitorErased(appId, visitorId, deleted),
    forgetHeatmapSnapshots: (appId, sessionIds) => db.heatmaps.forgetSnapshots(appId, sessionIds),
  };
  api.use('/apps', requireUser(auth), recordingRoutes({ apps, ...erasure }));
  api.use('/apps', requireUser(auth), appsRoutes(apps));
  api.use('/apps/:appId/webhooks', requireUser(auth), webhookRoutes(webhooks));
  api.use('/apps/:appId', requireUser(auth), activityRoutes(apps, createActivityService(db.activity, now)));
  const team = createTeamService({ repos: db.repos, team: db.team, apps, passwords, access });
  api.use('/team', requireUser(auth), teamRoutes(team));
  // API tokens for integrations (issue 22): managed by owners in the console, used on /api/v1.
  const apiTokens = createApiTokensService({ tokens: db.apiTokens, repos: db.repos, apps, rateLimits, now });
  api.use('/apps', requireUser(auth), apiTokenRoutes(apiTokens));
  api.use(notFoundHandler);
  // /api/v1 is authenticated by its Bearer token, not by the console's cookie: no console-origin guard
  // (a token is no ambient credential a foreign page could ride on). Its routes are added below, once
  // the chat service they read exists.
  const apiV1 = express.Router();
  app.use('/api/v1', express.json({ limit: MAX_JSON_BODY_BYTES }), apiV1);
  const openApi = openApiDocument();
  app.get('/api/openapi.json', (_req, res) => void res.set('Cache-Control', 'public, max-age=300').json(openApi));
  app.use('/api', api);

  const visitorLimits = createVisitorLimits(rateLimits);
  const ingest = createIngestService(db.repos, { secret: cookieSecret, limits: visitorLimits, workers, now, onAccepted: (session, seq, data) => liveWatch?.batchAccepted(session, seq, data) });
  app.use(ingestRoutes({ repos: db.repos, ingest, secret: cookieSecret, rateLimits }));
  app.use(widgetAppearanceRoutes(db.repos));
  app.use(demoApiRoutes());
  app.use(staticRoutes(db.repos));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const sessions = createSessionsService(db.repos, {
    now,
    onChange: (session) => {
      consoleNsp.to(appRoom(session.appId)).emit('session:changed', { session: publicSession(session) });
      if (session.status === 'completed') insights.sessionCompleted(session);
    },
  });
  // Each periodic job runs on one node at a time, under a lease in the database (jobs/leased-jobs.ts).
  const jobs = leasedJobs({ instance: db.repos.instance, logger, now });
  // Counters a crash of a process left short, put right from the stored chunk headers (one node at a time).
  const repairing = jobs.exclusively('counter-repair', () => sessions.repairActiveCounters()).then(
    (count) => count > 0 && logger.info({ sessions: count }, 'recounted the recordings of active sessions'),
    (error: Error) => logger.error({ err: error }, 'could not recount active sessions'),
  );
  setupVisitorNamespace(io.of(VISITOR_NAMESPACE) as VisitorNamespace, {
    repos: db.repos,
    sessions,
    limits: visitorLimits,
    logger,
    secret: cookieSecret,
    trustProxy: app.get('trust proxy fn') as TrustProxy,
  });
  setupConsoleNamespace(consoleNsp, { auth, access, origins: consoleOrigins, cookieSecret, logger });
  const visitorNsp = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  // Commands not yet answered: a draining node answers them before it closes its sockets.
  const commands = inFlightCommands([visitorNsp, consoleNsp]);
  visitorNsp.on('connection', (socket) => registerIngestHandlers(socket, { nsp: visitorNsp, repos: db.repos, ingest, logger, now, metrics }));
  visitorNsp.on('connection', (socket) => registerFontHandlers(socket, { repos: db.repos, fonts, logger }));
  // The server decides a session is over; the visitor's open tabs hear it too.
  const announceEnded = (session: SessionRecord, reason: EndReason) => visitorNsp.to(sessionRoom(session.id)).emit('session:ended', { sessionId: session.id, reason });
  const chat = createChatService({
    repos: { ...db.repos, conversations: withWaitingWebhooks(db.repos.conversations, webhooks.emit) },
    team: db.team,
    ai: createAiResponder(config, aiModel),
    publish: withMessageWebhooks(withPromptAnnouncements(createChatPublisher(visitorNsp, consoleNsp), consoleNsp), webhooks.emit),
    logger,
    now,
    signals: cluster ? clusterSignals(visitorNsp) : singleNodeSignals,
    rateLimits,
  });
  useIdentityCheck(visitorNsp, logger);
  visitorNsp.on('connection', (socket) => registerVisitorChatHandlers(socket, commandHandler(socket, logger), chat));
  const struggles = createStruggleService({
    repos: db.repos,
    rateLimits,
    now,
    announce: (session) => consoleNsp.to(appRoom(session.appId)).emit('session:struggle', { session }),
  });
  visitorNsp.on('connection', (socket) => registerStruggleHandlers(socket, commandHandler(socket, logger), struggles));
  // Rating, contact email and typing (issue 18): an agent is online when a member has a console open.
  const feedback = createFeedbackService({
    repos: db.repos,
    rateLimits,
    now,
    agentsOnline: async (appId) => (await consoleNsp.in(appRoom(appId)).fetchSockets()).length,
    announce: (conversation) => consoleNsp.to(appRoom(conversation.appId)).emit('chat:conversation', { conversation: conversationSummary(conversation) }),
  });
  visitorNsp.on('connection', (socket) => registerVisitorFeedbackHandlers(socket, commandHandler(socket, logger), { feedback, consoles: consoleNsp }));
  // Consent (issue 22): a revocation may erase the visitor, by the owner's erasure path.
  const consentHandlers = createConsentHandlers({ erase: (appId, visitorId) => endAndEraseVisitor(erasure, appId, visitorId), rateLimits });
  visitorNsp.on('connection', (socket) => consentHandlers(socket, commandHandler(socket, logger)));
  consoleNsp.on('connection', (socket) => registerConsoleChatHandlers(socket, { chat, access, logger }));
  consoleNsp.on('connection', (socket) => registerConsoleTypingHandler(socket, visitorNsp));
  apiV1.use(
    apiV1Routes({
      tokens: apiTokens,
      activity: createActivityService(db.activity, now),
      chat,
      replay,
      insights,
      erasure: { apps, ...erasure },
    }),
  );
  const liveWatch = setupLiveWatch({ consoleNsp, visitorNsp, repos: db.repos, replay, access, logger });

  jobs.every('lifecycle-sweep', jobIntervals?.sweepMs ?? SESSION_SWEEP_INTERVAL_MS, async () => {
    await sweepLifecycle({ repos: db.repos, sessions, now: now ?? (() => new Date()), onEnded: announceEnded });
    await db.repos.logins.deleteExpired(now?.() ?? new Date());
    await resolveQuietConversations({ apps: db.repos.apps, chat, now: now ?? (() => new Date()) });
  });
  jobs.every('retention', jobIntervals?.retentionMs ?? RETENTION_SWEEP_INTERVAL_MS, async () => {
    await runRetention(db.repos, now?.() ?? new Date());
    await webhooks.pruneLog();
  });

  return {
    httpServer,
    io,
    sessions,
    chat,
    liveWatch,
    compaction,
    drain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Commands under way are answered by this node first (a stored batch acknowledged here, not sent again elsewhere).
        void commands.settled(CLOSE_ANSWERS_MAX_MS).then(() => {
          chat.close();
          // Insights, the start-up recount and the jobs' leases finish first: they write to the database the caller closes next.
          void Promise.all([insights.idle(), compaction.stop(), repairing, jobs.stop(), dispatcher.stop()]).then(() => io.close(() => void (cluster?.close() ?? Promise.resolve()).finally(resolve)));
        });
      }),
  };
}
