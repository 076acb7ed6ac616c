import { z } from 'zod';
import { CONVERSATION_VIEWS } from './chat-events.js';
import { MAX_CHAT_MESSAGE_CHARS, MAX_EMAIL_CHARS, MAX_IDENTITY_FIELD_CHARS } from './limits.js';

/** Validation of every chat payload (widget and console). */

const objectId = z.string().regex(/^[a-f0-9]{24}$/i, 'must be an id');
/** Chosen by the sender so a retried send is stored once. */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
/** Length is checked separately so the widget can show its own clear error (E_MESSAGE_TOO_LONG). */
const messageText = z.string().trim().min(1, 'must not be empty').max(MAX_CHAT_MESSAGE_CHARS * 4);

export const chatSendSchema = z.object({ text: messageText, clientId });
export const chatSyncSchema = z.object({ afterSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

export const consoleChatListSchema = z.object({ appId: objectId, view: z.enum(CONVERSATION_VIEWS).default('open') });
export const consoleChatOpenSchema = z.object({ sessionId: objectId });
export const consoleChatTakeoverSchema = consoleChatOpenSchema;
export const consoleChatReplySchema = z.object({ sessionId: objectId, text: messageText, clientId });
export const consoleChatStartSchema = consoleChatReplySchema;
export const consoleChatNoteSchema = consoleChatReplySchema;
export const consoleChatAssignSchema = z.object({ sessionId: objectId, userId: objectId.optional() });
export const consoleChatResolveSchema = consoleChatOpenSchema;
export const consoleChatTeammatesSchema = z.object({ appId: objectId });

/** `identify` from the host page, carried in the widget's handshake. */
export const visitorIdentitySchema = z.object({
  userId: z.string().trim().min(1).max(MAX_IDENTITY_FIELD_CHARS),
  name: z.string().trim().max(MAX_IDENTITY_FIELD_CHARS).optional(),
  email: z.string().trim().max(MAX_EMAIL_CHARS).optional(),
  userHash: z.string().trim().max(MAX_IDENTITY_FIELD_CHARS).optional(),
});

export type ChatSendInput = z.infer<typeof chatSendSchema>;
export type VisitorIdentity = z.infer<typeof visitorIdentitySchema>;
