import { Types } from 'mongoose';
import type { Models } from '../models.js';
import type { SessionDoc } from '../session-model.js';
import type { WriteHooks } from '../write-hooks.js';
import { searchFields } from './search-fields.js';

/** The native side of the shared writes: search fields with the session, signals with its prompts. */
export function nativeWriteHooks({ Session, Message }: Pick<Models, 'Session' | 'Message'>): WriteHooks {
  const none = async () => {};
  return {
    sessionFields: (input: { landingUrl: string; visitorId: string }) => searchFields({ landingUrl: input.landingUrl, visitorId: input.visitorId }),
    visitorUpdate: () => ({}),
    sessionStarted: none,
    visitorUpdated: none,
    sessionCompleted: none,
    async identityChanged(before: SessionDoc, identity: { name: string; email: string }) {
      const fields = searchFields({ landingUrl: before.landingUrl, visitorId: before.visitorId, visitorName: identity.name, visitorEmail: identity.email });
      // Only while this identity is still the session's: a later change writes its own fields.
      await Session.updateOne({ _id: before._id, visitorName: identity.name, visitorEmail: identity.email }, { $set: fields });
    },
    messageFields: (session: SessionDoc, input: { role: string; clientId?: string | null }) => ({
      ...(input.clientId ? { clientKey: `${session._id}:${input.clientId}` } : {}),
      ...(input.role === 'visitor' && session.signalTypes?.length ? { sessionSignals: session.signalTypes } : {}),
    }),
    conversationMoved: none,
    messageStored: none,
    chunkStored: none,
    chunksStored: none,
    chunkSentAgain: none,
    async signalsSaved(session: { id: string }, signalTypes: string[]) {
      await Message.updateMany({ sessionId: new Types.ObjectId(session.id), role: 'visitor' }, { $set: { sessionSignals: signalTypes } });
    },
    deleteChildren: none,
    sessionsDeleted: none,
  };
}
