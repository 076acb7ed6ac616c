import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One visitor of one application, `_id` = `<appId>:<visitorId>`: where the visitor's current session
 * is found on every page load, by `_id` (the one lookup every engine answers from an index).
 */
export interface VisitorDoc {
  _id: string;
  appId: string;
  visitorId: string;
  activeSessionId: string | null;
  /**
   * Embedded read model only: the visitor's sessions, oldest first (at most 2 × MAX_VISITOR_SESSIONS,
   * trimmed back to the last MAX_VISITOR_SESSIONS): their earlier conversations without a query on
   * `messages`. MongoDB-native reads them by its index on messages instead.
   */
  sessionIds?: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export const MAX_VISITOR_SESSIONS = 20;

const visitorSchema = new Schema<VisitorDoc>(
  {
    _id: { type: String, required: true },
    appId: { type: String, required: true },
    visitorId: { type: String, required: true },
    activeSessionId: { type: String, default: null },
    sessionIds: { type: [String], default: undefined },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const visitorKey = (appId: string, visitorId: string): string => `${appId}:${visitorId}`;

export const bindVisitorModel = (connection: Connection): Model<VisitorDoc> =>
  connection.model<VisitorDoc>('Visitor', visitorSchema, 'visitors');
