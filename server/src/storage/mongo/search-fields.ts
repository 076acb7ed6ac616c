import { normalizeQuery, searchTexts, type SearchFields } from '../../activity/session-search.js';
import { queryTrigrams, sessionTrigrams } from '../search-terms.js';

/**
 * MongoDB-native search by part of a session's landing page, visitor id, name or email, in any case
 * (activity/session-search.ts), index-backed:
 *   `searchGrams`  every distinct trigram of the searched texts (a multikey index with appId and the
 *                  list's order: {appId, searchGrams, startedAt: -1, _id: -1});
 *   `searchText`   the searched texts lower-cased, one per line.
 * A query of three characters or more can only match sessions holding each of its trigrams: the one
 * held by the fewest sessions (counted, up to GRAM_COUNT_LIMIT, for at most MAX_QUERY_GRAMS of them)
 * walks the index, and a regular expression on `searchText` keeps the rest out on the server; each row
 * is then checked in Node against the same texts. A text index would not do: it finds whole words
 * (stemmed, stop words dropped), never part of a path, an id or an email.
 */
export const MAX_QUERY_GRAMS = 8;
export const GRAM_COUNT_LIMIT = 1_000;

export function searchFields(fields: SearchFields): { searchText: string; searchGrams: string[] } {
  return { searchText: searchTexts(fields).join('\n'), searchGrams: sessionTrigrams(fields) };
}

export const queryGrams = (q: string): string[] => queryTrigrams(q, MAX_QUERY_GRAMS);

/** The query as a regular expression matching itself literally (no line break: it cannot span two texts). */
export const literalPattern = (q: string): string => normalizeQuery(q).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\n/g, '(?!)');
