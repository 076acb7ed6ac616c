import { STRUGGLE_FRESH_MS } from './limits.js';

/**
 * Struggle spotted live (issue 21): the kinds the widget reports while a session is under way, the
 * thresholds it uses — the same ones the insights use on the whole recording afterwards (signals.ts) —
 * and what the console is told. No zod here: the widget imports this file.
 */

export const LIVE_STRUGGLE_TYPES = ['rage_click', 'error_click', 'dead_click', 'form_stalled'] as const;
export type LiveStruggleType = (typeof LIVE_STRUGGLE_TYPES)[number];

/** Rage click: at least this many clicks … */
export const RAGE_MIN_CLICKS = 3;
/** … all within this long of the first … */
export const RAGE_WINDOW_MS = 1_000;
/** … and within this distance of it. */
export const RAGE_RADIUS_PX = 30;
/** Dead click: an interactive element clicked and no DOM change, input, scroll, navigation or error for this long. */
export const DEAD_CLICK_WINDOW_MS = 2_500;
/** Error click: a JavaScript error, console error or failed request starting within this long after a click is taken as caused by it. */
export const ERROR_CLICK_WINDOW_MS = 1_000;
/** Stalled form: a form the visitor started filling, then neither typed into nor sent for this long while the page is in view. */
export const FORM_STALL_MS = 30_000;
/** The widget reports one kind of struggle at most this often on one page (a burst is one report). */
export const STRUGGLE_REPORT_INTERVAL_MS = 10_000;

/**
 * What became of the help prompt: `offered` once the server granted the session's one offer, then
 * what the visitor did — took it, closed it, or opened the chat another way while it showed.
 */
export const HELP_OFFER_OUTCOMES = ['offered', 'accepted', 'dismissed', 'chat-opened'] as const;
export type HelpOfferOutcome = (typeof HELP_OFFER_OUTCOMES)[number];
export type HelpOfferAnswer = Exclude<HelpOfferOutcome, 'offered'>;

/** A report as the widget sends it (`struggle:report`) and records it (`chatreel/struggle`). */
export interface StruggleReport {
  type: LiveStruggleType;
  /** For people: "4 rapid clicks on “Apply coupon”". Never an input's value. */
  label: string;
}

/** A session's latest live struggle, kept on its session document. */
export interface LiveStruggle extends StruggleReport {
  /** ISO time of the latest report. */
  at: string;
  /** Reports so far in the session. */
  count: number;
  helpOffer: { outcome: HelpOfferOutcome; at: string } | null;
}

/** A session with its live struggle, as the console hears it (`session:struggle`). */
export interface StrugglingSession {
  id: string;
  appId: string;
  visitorId: string;
  visitorName: string;
  landingUrl: string;
  status: 'active' | 'completed';
  struggle: LiveStruggle;
}

/** "Struggling now": an active session whose latest struggle is less than STRUGGLE_FRESH_MS old. */
export function isStrugglingNow(session: { status: string; struggle?: LiveStruggle | null }, nowMs: number): boolean {
  if (session.status !== 'active' || !session.struggle) return false;
  const at = Date.parse(session.struggle.at);
  return Number.isFinite(at) && nowMs - at < STRUGGLE_FRESH_MS;
}

export const STRUGGLE_LABELS: Record<LiveStruggleType, string> = {
  rage_click: 'Rage click',
  error_click: 'Error click',
  dead_click: 'Dead click',
  form_stalled: 'Stalled form',
};

export const HELP_OFFER_LABELS: Record<HelpOfferOutcome, string> = {
  offered: 'Help offered, no answer yet',
  accepted: 'Help offered and accepted',
  dismissed: 'Help offered and dismissed',
  'chat-opened': 'Help offered; the visitor opened the chat',
};
