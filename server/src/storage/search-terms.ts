/**
 * What the Sessions page's search looks at, and the trigrams its index is keyed by.
 *
 * A session is found by a case-insensitive substring of its landing page (domain and path, as the
 * row shows it; the first SEARCH_FIELD_MAX_CHARS of it), its visitor id, name or email. The index
 * (activity-index-model.ts) lists, for every trigram of those fields, the sessions holding it. A query
 * of at least MIN_INDEXED_QUERY_CHARS can only match sessions that hold every one of its trigrams, so
 * the sessions listed under its rarest trigram are the candidates; each is then checked against the
 * same text (`matchesSearch`), which is why the index and the check must read the same fields.
 */

export const MIN_INDEXED_QUERY_CHARS = 3;
/** Longer fields are searched by their beginning only: bounds the trigram lists one session joins. */
export const SEARCH_FIELD_MAX_CHARS = 200;
/** Trigram lists read to pick the rarest: enough for any real query, bounded for a pasted paragraph. */
const MAX_QUERY_TRIGRAMS = 24;

export interface SearchFields {
  landingUrl?: string | null;
  visitorId?: string | null;
  visitorName?: string | null;
  visitorEmail?: string | null;
}

/** `https://Shop.example.com:8443/a/b?q=1#x` → `shop.example.com:8443/a/b`; not a URL → the text itself. */
export function landingSearchText(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

/** The searched texts of a session, lower-cased and cut to SEARCH_FIELD_MAX_CHARS. */
export function searchTexts(fields: SearchFields): string[] {
  const texts = [landingSearchText(fields.landingUrl ?? ''), fields.visitorId ?? '', fields.visitorName ?? '', fields.visitorEmail ?? ''];
  return texts.map((text) => text.toLowerCase().slice(0, SEARCH_FIELD_MAX_CHARS)).filter(Boolean);
}

/** Every distinct trigram of a session's searched texts (none spans two fields). */
export function sessionTrigrams(fields: SearchFields): string[] {
  const found = new Set<string>();
  for (const text of searchTexts(fields)) for (let i = 0; i + 3 <= text.length; i++) found.add(text.slice(i, i + 3));
  return [...found];
}

export const normalizeQuery = (q: string) => q.trim().toLowerCase();

/**
 * Trigrams of a query whose lists are read (spread over the whole query when it has more than
 * MAX_QUERY_TRIGRAMS); empty below MIN_INDEXED_QUERY_CHARS, where the index cannot help.
 */
export function queryTrigrams(q: string): string[] {
  const text = normalizeQuery(q);
  if (text.length < MIN_INDEXED_QUERY_CHARS) return [];
  const all = [...new Set(Array.from({ length: text.length - 2 }, (_, i) => text.slice(i, i + 3)))];
  if (all.length <= MAX_QUERY_TRIGRAMS) return all;
  return Array.from({ length: MAX_QUERY_TRIGRAMS }, (_, i) => all[Math.round((i * (all.length - 1)) / (MAX_QUERY_TRIGRAMS - 1))]);
}

/** The check every candidate passes: the query inside one of the searched texts. */
export function matchesSearch(fields: SearchFields, q: string): boolean {
  const text = normalizeQuery(q);
  return searchTexts(fields).some((field) => field.includes(text));
}
