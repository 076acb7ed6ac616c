import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Lookups the hot paths make on every page load and every sweep, kept addressable by `_id`:
 * FerretDB 1.x on SQLite pushes down only `{ _id: value }` filters and scans the whole collection for
 * any other query (measured: ~0.1 ms per stored document), so these paths never filter on other fields.
 */

/** `_id` = `<appId>:<visitorId>`. Points at the visitor's current session. */
export interface VisitorDoc {
  _id: string;
  appId: string;
  visitorId: string;
  activeSessionId: string | null;
  /**
   * The visitor's sessions, oldest first, comma-separated, the last MAX_VISITOR_SESSIONS: their earlier
   * conversations without a query on `messages`. Absent on visitors from before the field (they keep the query).
   */
  sessionIds?: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export const MAX_VISITOR_SESSIONS = 20;

/** `_id` = session id, present while the session is active: the sweeps read this small set only. */
export interface ActiveSessionDoc {
  _id: string;
  appId: string;
  startedAt: Date;
}

const visitorSchema = new Schema<VisitorDoc>(
  {
    _id: { type: String, required: true },
    appId: { type: String, required: true },
    visitorId: { type: String, required: true },
    activeSessionId: { type: String, default: null },
    sessionIds: { type: String },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const activeSessionSchema = new Schema<ActiveSessionDoc>(
  {
    _id: { type: String, required: true },
    appId: { type: String, required: true },
    startedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const visitorKey = (appId: string, visitorId: string): string => `${appId}:${visitorId}`;

export const bindVisitorModel = (connection: Connection): Model<VisitorDoc> =>
  connection.model<VisitorDoc>('Visitor', visitorSchema, 'visitors');

export const bindActiveSessionModel = (connection: Connection): Model<ActiveSessionDoc> =>
  connection.model<ActiveSessionDoc>('ActiveSession', activeSessionSchema, 'active_sessions');
