import type { ErrorBody } from './error-codes.js';

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

export interface VisitorServerToClient {
  'widget:ready': (payload: { visitorId: string; settings: WidgetSettings }) => void;
}

export interface VisitorClientToServer {
  'widget:ping': (ack: Ack<{ serverTime: number }>) => void;
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

export interface ConsoleServerToClient {
  'console:ready': (payload: { user: PublicUser; appIds: string[] }) => void;
}

export type ConsoleClientToServer = Record<string, never>;

/** Error attached to a refused Socket.IO handshake (`connect_error`'s `data`). */
export type HandshakeErrorData = ErrorBody['error'];
