/**
 * What the Sessions page's search finds (README: "part of the landing page's domain and path, or of
 * the visitor's id, name or email, in any case"). Every storage implementation narrows the candidates
 * its own way (storage/search-terms.ts); the answer is always this check.
 */

/** Queries shorter than this have no trigram: implementations walk all sessions under the scan budget. */
export const MIN_INDEXED_QUERY_CHARS = 3;
/** Longer fields are searched by their beginning only: bounds what one session adds to an index. */
export const SEARCH_FIELD_MAX_CHARS = 200;

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

export const normalizeQuery = (q: string): string => q.trim().toLowerCase();

/** The check every candidate passes: the query inside one of the searched texts. */
export function matchesSearch(fields: SearchFields, q: string): boolean {
  const text = normalizeQuery(q);
  return searchTexts(fields).some((field) => field.includes(text));
}
