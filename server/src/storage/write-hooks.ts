import type { SignalType } from '../protocol/insights.js';
import type { MessageDoc } from './message-model.js';
import type { ChunkHeader, NewMessage, NewSession } from './ports.js';
import type { SessionDoc } from './session-model.js';
import type { VisitorDoc } from './visitor-model.js';

/**
 * What an implementation adds to the writes every implementation shares (the shared repositories:
 * sessions, messages, chunks and their counters). Each hook runs after the shared write it follows
 * succeeded, in the caller that made it: the creator, the winner of a completion, the deleter whose
 * delete removed the document.
 */
export interface WriteHooks {
  /** Fields of a new session document besides the shared ones. */
  sessionFields(input: NewSession): Record<string, unknown>;
  /** Extra update of the visitor document when one of its sessions starts. */
  visitorUpdate(sessionId: string): Record<string, unknown>;
  /** A new session, before its visitor points at it (so it is in every set before anyone can end it). */
  sessionStarted(doc: SessionDoc): Promise<void>;
  visitorUpdated(doc: VisitorDoc): Promise<void>;
  /** This caller's completion won. */
  sessionCompleted(doc: SessionDoc): Promise<void>;
  /** The visitor's name or email changed (`before`: the session as it was). */
  identityChanged(before: SessionDoc, identity: { name: string; email: string }): Promise<void>;
  /** This caller moved the conversation's lifecycle (`doc`: the session after the move). */
  conversationMoved(doc: SessionDoc): Promise<void>;
  /** Fields of a new message document besides the shared ones. */
  messageFields(session: SessionDoc, input: NewMessage): Record<string, unknown>;
  /** A stored message, with its session as the seq draw left it. */
  messageStored(message: MessageDoc, session: SessionDoc): Promise<void>;
  chunkStored(sessionId: string, header: ChunkHeader): Promise<void>;
  /** Chunks the ingest stored, written behind in bulk (derived-write-behind.ts): at most a few dozen sessions' worth. */
  chunksStored(chunks: Array<{ sessionId: string; header: ChunkHeader }>): Promise<void>;
  /** A chunk sent again: the stored one may lack what chunkStored adds (its writer died in between). */
  chunkSentAgain(sessionId: string, seq: number): Promise<void>;
  signalsSaved(session: { id: string; appId: string; startedAt: Date }, signalTypes: SignalType[]): Promise<void>;
  /** Before the sessions' own documents go: what the implementation keeps per session besides chunks and messages. */
  deleteChildren(sessionIds: string[]): Promise<void>;
  /** Sessions this caller's deletes removed. */
  sessionsDeleted(docs: SessionDoc[]): Promise<void>;
}
