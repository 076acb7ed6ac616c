import type { ErrorBody } from './error-codes.js';
import type { SessionStartInput } from './schemas.js';

/**
 * Every Socket.IO message between widget, server and console, defined once. Event names are
 * `domain:verb`. Commands are acknowledged with `{ data } | ErrorBody`.
 */

export type Ack<T> = (response: { data: T } | ErrorBody) => void;

export const VISITOR_NAMESPACE = '/visitor';
export const CONSOLE_NAMESPACE = '/console';

/** What the widget learns about its application once connected. */
export interface WidgetSettings {
  appName: string;
  appearance: { color: string; position: 'left' | 'right'; greeting: string };
}

/** A session as the widget sees it. */
export interface VisitorSession {
  id: string;
  status: 'active' | 'completed';
  startedAt: string;
}

export interface VisitorServerToClient {
  /** Sent on every connection: who the visitor is, and their active session if one is under way. */
  'widget:ready': (payload: { visitorId: string; settings: WidgetSettings; session: VisitorSession | null }) => void;
  'session:ended': (payload: { sessionId: string; reason: string }) => void;
}

export interface VisitorClientToServer {
  'widget:ping': (ack: Ack<{ serverTime: number }>) => void;
  'session:start': (payload: SessionStartInput, ack: Ack<{ session: VisitorSession; resumed: boolean }>) => void;
  'session:end': (ack: Ack<{ session: VisitorSession }>) => void;
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
  settings: WidgetSettings['appearance'];
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

export interface ConsoleServerToClient {
  'console:ready': (payload: { user: PublicUser; appIds: string[] }) => void;
  /** A session of one of the user's applications was created or changed status. */
  'session:changed': (payload: { session: PublicSession }) => void;
}

export type ConsoleClientToServer = Record<string, never>;

/** Error attached to a refused Socket.IO handshake (`connect_error`'s `data`). */
export type HandshakeErrorData = ErrorBody['error'];
