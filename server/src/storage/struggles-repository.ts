import { isValidObjectId } from 'mongoose';
import { HELP_OFFER_OUTCOMES, LIVE_STRUGGLE_TYPES, type HelpOfferOutcome, type LiveStruggle, type StrugglingSession } from '../protocol/struggle.js';
import type { Models } from './models.js';
import type { StrugglesRepository } from './repositories.js';
import type { SessionDoc } from './session-model.js';


type StruggleFields = Pick<SessionDoc, 'struggleType' | 'struggleLabel' | 'struggleAt' | 'struggleCount' | 'helpOffer' | 'helpOfferAt'>;

/** The live struggle a session document holds, or null (none reported, or fields of an unknown shape). */
export function toLiveStruggle(doc: Partial<StruggleFields>): LiveStruggle | null {
  const type = LIVE_STRUGGLE_TYPES.find((known) => known === doc.struggleType);
  if (!type || !(doc.struggleAt instanceof Date)) return null;
  const outcome = HELP_OFFER_OUTCOMES.find((known) => known === doc.helpOffer);
  return {
    type,
    label: doc.struggleLabel ?? '',
    at: doc.struggleAt.toISOString(),
    count: doc.struggleCount ?? 1,
    helpOffer: outcome && doc.helpOfferAt instanceof Date ? { outcome, at: doc.helpOfferAt.toISOString() } : null,
  };
}

function toStrugglingSession(doc: SessionDoc): StrugglingSession | null {
  const struggle = toLiveStruggle(doc);
  if (!struggle) return null;
  return {
    id: doc._id.toString(),
    appId: String(doc.appId),
    visitorId: doc.visitorId,
    visitorName: doc.visitorName ?? '',
    landingUrl: doc.landingUrl ?? '',
    status: doc.status,
    struggle,
  };
}

/**
 * Each write is one conditional update of flat fields, atomic on every engine (the embedded FerretDB
 * included, with its update patch) whichever process makes it: the same on every implementation.
 */
export function strugglesRepository({ Session }: Pick<Models, 'Session'>): StrugglesRepository {
  const update = async (sessionId: string, filter: Record<string, unknown>, change: Record<string, unknown>) => {
    if (!isValidObjectId(sessionId)) return null;
    const doc = await Session.findOneAndUpdate({ _id: sessionId, ...filter }, change, { returnDocument: 'after' }).lean<SessionDoc>();
    return doc ? toStrugglingSession(doc) : null;
  };
  return {
    report: (sessionId, report, at) =>
      update(
        sessionId,
        { status: 'active' },
        { $set: { struggleType: report.type, struggleLabel: report.label, struggleAt: at }, $inc: { struggleCount: 1 } },
      ),
    claimHelpOffer: (sessionId, at) =>
      update(sessionId, { status: 'active', helpOffer: null }, { $set: { helpOffer: 'offered' satisfies HelpOfferOutcome, helpOfferAt: at } }),
    answerHelpOffer: (sessionId, outcome, at) =>
      update(sessionId, { helpOffer: 'offered' satisfies HelpOfferOutcome }, { $set: { helpOffer: outcome, helpOfferAt: at } }),
  };
}
