import { MIN_INDEXED_QUERY_CHARS, normalizeQuery, searchTexts, type SearchFields } from '../activity/session-search.js';

/**
 * The trigrams a session's search index is keyed by (activity/session-search.ts says what is found).
 * A query of at least MIN_INDEXED_QUERY_CHARS can only match sessions that hold every one of its
 * trigrams, so the sessions indexed under its rarest trigram are the candidates; each is then checked
 * against the same texts, which is why the index and the check read the same fields.
 */

/** Trigram lists read to pick the rarest: enough for any real query, bounded for a pasted paragraph. */
const MAX_QUERY_TRIGRAMS = 24;

/** Every distinct trigram of a session's searched texts (none spans two fields). */
export function sessionTrigrams(fields: SearchFields): string[] {
  const found = new Set<string>();
  for (const text of searchTexts(fields)) for (let i = 0; i + 3 <= text.length; i++) found.add(text.slice(i, i + 3));
  return [...found];
}

/**
 * Trigrams of a query whose lists are read (spread over the whole query when it has more than
 * MAX_QUERY_TRIGRAMS); empty below MIN_INDEXED_QUERY_CHARS, where the index cannot help.
 */
export function queryTrigrams(q: string, max = MAX_QUERY_TRIGRAMS): string[] {
  const text = normalizeQuery(q);
  if (text.length < MIN_INDEXED_QUERY_CHARS) return [];
  const all = [...new Set(Array.from({ length: text.length - 2 }, (_, i) => text.slice(i, i + 3)))];
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.round((i * (all.length - 1)) / (max - 1))]);
}
