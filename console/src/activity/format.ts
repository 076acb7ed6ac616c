/** How the console writes times, URLs and durations. Pure functions, so they are easy to test. */

/** `https://shop.example.com/checkout?x=1#y` → `shop.example.com/checkout`. Anything unparsable is shown as is. */
export function landingLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname === '/' ? '/' : parsed.pathname}`;
  } catch {
    return url;
  }
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `just now`, `5 minutes ago`, `yesterday`… */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'minute') return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

const exact = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });
export const exactTime = (iso: string): string => exact.format(new Date(iso));

/** `42s`, `3m 05s`, `1h 02m`. */
export function durationLabel(startIso: string, endIso: string | null, now: number = Date.now()): string {
  const ms = Math.max(0, (endIso ? Date.parse(endIso) : now) - Date.parse(startIso));
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

export const countLabel = (n: number): string => n.toLocaleString('en');

/** A visitor as a person reads it: their name if identified, else a short form of the anonymous id. */
export const visitorLabel = (visitorId: string, name = ''): string => name || `Visitor ${visitorId.slice(0, 8)}`;

export const replayHref = (appId: string, sessionId: string): string => `#/replay/${encodeURIComponent(appId)}/${encodeURIComponent(sessionId)}`;
