import type { ErrorBody } from './error-codes.js';
import type { ActivityServerToClient } from './activity.js';
import type { SessionStartInput } from './schemas.js';
import type { ConsoleChatClientToServer, ConsoleChatServerToClient, VisitorChatClientToServer, VisitorChatServerToClient } from './chat-events.js';
import type { AppSettings } from './app-settings.js';
import type { ReplayConsoleClientToServer, ReplayConsoleServerToClient, ReplayVisitorServerToClient } from './replay-events.js';
import type { HelpOfferAnswer, StruggleReport, StrugglingSession } from './struggle.js';
import type {
  FeedbackConsoleClientToServer,
  FeedbackConsoleServerToClient,
  FeedbackVisitorClientToServer,
  FeedbackVisitorServerToClient,
} from './feedback.js';

/**
 * Every Socket.IO message between widget, server and console, defined once. Event names are
 * `domain:verb`. Commands are acknowledged with `{ data } | ErrorBody`.
 */

export type Ack<T> = (response: { data: T } | ErrorBody) => void;

export const VISITOR_NAMESPACE = '/visitor';
export const CONSOLE_NAMESPACE = '/console';

/**
 * `GET /widget/appearance/<key>` (public, short-cached): the launcher's colour and corner, so the
 * widget paints it right before any connection. Answers `{ data: { appearance } }`.
 */
export const WIDGET_APPEARANCE_PATH = '/widget/appearance';
export type WidgetAppearance = Pick<WidgetSettings['appearance'], 'color' | 'position'>;

/** What the widget learns about its application once connected. */
export interface WidgetSettings {
  appName: string;
  appearance: { color: string; position: 'left' | 'right'; greeting: string };
  /** Chat: when the session (and its recording) starts. Whether the AI answers comes with `chat:sync`. */
  chat: { startOn: 'open' | 'first-message' };
  /** Masking and blocking rules for the recorder (absent: the safest defaults). */
  recording?: WidgetRecordingSettings;
  /** Whether the widget reports struggle to offer help (issue 21); absent: it does not. */
  help?: { offerOnStruggle: boolean };
  /** Consent (issue 22); absent: record as before, no notice. */
  consent?: { required: boolean; respectPrivacySignals: boolean; notice: string };
}

/** A session as the widget sees it. */
export interface VisitorSession {
  id: string;
  status: 'active' | 'completed';
  startedAt: string;
}

/** What the widget's recorder needs of the application's recording settings (privacy happens in the browser). */
export interface WidgetRecordingSettings {
  maskAllInputs: boolean;
  blockSelectors: string[];
  maskSelectors: string[];
  /** Devtools capture (issue 21); absent: off. */
  captureConsole?: boolean;
  captureNetwork?: boolean;
  keepQueryValues?: boolean;
}

/** `recording:batch`'s answer: the batch is stored (or was before), and 1..ackedThrough all are. */
export interface RecordingBatchAck {
  seq: number;
  stored: boolean;
  ackedThrough: number;
}

export interface VisitorServerToClient extends VisitorChatServerToClient, ReplayVisitorServerToClient, FeedbackVisitorServerToClient {
  /** Sent on every connection: who the visitor is, and their active session if one is under way. */
  /** `visitorToken` goes with `visitorId` in every later handshake (see realtime/visitor-token.ts). */
  'widget:ready': (payload: { visitorId: string; visitorToken: string; settings: WidgetSettings; session: VisitorSession | null }) => void;
  'session:ended': (payload: { sessionId: string; reason: string }) => void;
}

export interface VisitorClientToServer extends VisitorChatClientToServer, FeedbackVisitorClientToServer {
  'widget:ping': (ack: Ack<{ serverTime: number }>) => void;
  'session:start': (payload: SessionStartInput, ack: Ack<{ session: VisitorSession; resumed: boolean }>) => void;
  'session:end': (ack: Ack<{ session: VisitorSession }>) => void;
  /** The recorder opens on a page: where its seq numbering continues, and its token for POST /ingest. */
  'recording:start': (payload: { sessionId: string }, ack: Ack<{ nextSeq: number; token: string }>) => void;
  /** One gzip-compressed batch (a JSON array of rrweb events) of the socket's own session. */
  'recording:batch': (payload: { sessionId: string; seq: number; data: ArrayBuffer | Uint8Array }, ack: Ack<RecordingBatchAck>) => void;
  /** Which of these font files (SHA-256, hex) the application does not store yet (replay-fonts.ts). */
  'fonts:missing': (payload: { sessionId: string; hashes: string[] }, ack: Ack<{ missing: string[] }>) => void;
  /** One font file the page uses, for the replay to load from Chatreel's origin; `stored` false: it was there already. */
  'fonts:store': (payload: { sessionId: string; sha256: string; data: ArrayBuffer | Uint8Array }, ack: Ack<{ stored: boolean }>) => void;
  /**
   * The visitor struggles (issue 21). Answers the help prompt's text when the application offers help
   * and this is the session's one offer (the server grants it once); null otherwise.
   */
  'struggle:report': (payload: StruggleReport & { canOfferHelp: boolean }, ack: Ack<{ offerHelp: { text: string } | null }>) => void;
  /** What the visitor did with the help prompt. */
  'struggle:help': (payload: { outcome: HelpOfferAnswer }, ack: Ack<{ ok: true }>) => void;
  /**
   * The site gave or revoked consent to recording on this connection (issue 22). Revoking when the
   * application erases on revoke ends and erases the visitor's sessions: `erased` says so.
   */
  'consent:set': (payload: { consent: boolean }, ack: Ack<{ erased: boolean }>) => void;
}

export interface PublicUser {
  id: string;
  email: string;
  role: 'owner' | 'agent';
}

export interface PublicApp {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  demo: boolean;
  createdAt: string;
  settings: AppSettings;
}

/** Recording storage of an application, against its quota (`GET /api/apps/:appId/storage`). */
export interface AppStorage {
  usedBytes: number;
  quotaBytes: number;
}

/** A session as the console lists it. */
export interface PublicSession {
  id: string;
  appId: string;
  visitorId: string;
  status: 'active' | 'completed';
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  endReason: string | null;
  landingUrl: string;
  pageCount: number;
  eventCount: number;
  bytes: number;
  chunkCount: number;
  userAgent: string;
  viewport: { width: number; height: number };
}

/** Why the server ended a console's connection. */
export type AccessEndedReason = 'signed-out' | 'expired' | 'removed' | 'role-changed';

export interface ConsoleServerToClient extends ConsoleChatServerToClient, ReplayConsoleServerToClient, ActivityServerToClient, FeedbackConsoleServerToClient {
  'console:ready': (payload: { user: PublicUser; appIds: string[] }) => void;
  /** The user's applications changed (one given or taken away): live events of the ones taken away have stopped. */
  'console:apps': (payload: { appIds: string[] }) => void;
  /** Sent just before the server disconnects this console: its sign-in ended or the account changed. */
  'console:access-ended': (payload: { reason: AccessEndedReason }) => void;
  /** A session of one of the user's applications was created or changed status. */
  'session:changed': (payload: { session: PublicSession }) => void;
  /** A live session of one of the user's applications struggles, or answered the help prompt (issue 21). */
  'session:struggle': (payload: { session: StrugglingSession }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- other domains add their events the same way
export interface ConsoleClientToServer extends ConsoleChatClientToServer, ReplayConsoleClientToServer, FeedbackConsoleClientToServer {}

/** Error attached to a refused Socket.IO handshake (`connect_error`'s `data`). */
export type HandshakeErrorData = ErrorBody['error'];
