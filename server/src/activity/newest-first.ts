import type { ListKey, ListPosition, NewestFirst, SourceName } from '../storage/ports.js';

/**
 * The Activity tab's and Sessions page's paging, over the newest-first sources storage supplies:
 * sessions and prompts merged on (time, id), rows fetched for the keys shown only, and a bound on
 * the work one request may do when a filter skips rows.
 */

/** Most keys one request checks when a filter skips rows (each costs a row read). */
export const MAX_SCANNED_ENTRIES = 200;
/** A filter whose first rows mostly failed still reads at most 4× what it misses per batch. */
const MIN_EXPECTED_HIT_RATE = 0.25;
/** Keys asked for at once while a filter skips rows. */
const MAX_FILTERED_BATCH = 100;

export const compareKeys = (a: ListKey, b: ListKey): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface NamedSource<R> {
  name: SourceName;
  source: NewestFirst<R>;
}

/** A key as the merge hands it out, with where a page ending at it resumes in every source. */
interface Taken extends ListKey {
  from: SourceName;
  resume: ListPosition['resume'];
}

/**
 * Several newest-first sources as one. Each source is asked for keys only when its buffer is empty,
 * all at once, so their first reads go out together. A key taken records the resume token of every
 * source at that moment: its own, and the next key not yet taken of each other one.
 */
function merged<R>(sources: Array<NamedSource<R>>) {
  const buffers = sources.map(() => [] as Array<ListKey & { resume?: string }>);
  const done = sources.map(() => false);

  async function refill(want: number): Promise<void> {
    await Promise.all(
      sources.map(async ({ source }, i) => {
        if (done[i] || buffers[i].length) return;
        const keys = await source.next(want);
        if (keys.length < want) done[i] = true;
        buffers[i].push(...keys);
      }),
    );
  }

  return async function next(max: number): Promise<Taken[]> {
    const taken: Taken[] = [];
    while (taken.length < max) {
      await refill(max - taken.length);
      let best = -1;
      for (let i = 0; i < sources.length; i++) if (buffers[i].length && (best < 0 || compareKeys(buffers[i][0], buffers[best][0]) > 0)) best = i;
      if (best < 0) break;
      const key = buffers[best].shift()!;
      const resume: ListPosition['resume'] = {};
      sources.forEach(({ name }, i) => {
        const token = i === best ? key.resume : buffers[i][0]?.resume;
        if (token !== undefined) resume[name] = token;
      });
      taken.push({ t: key.t, id: key.id, from: sources[best].name, resume });
    }
    return taken;
  };
}

/**
 * The first `limit` rows of the merged sources, fetched a batch at a time (each source's rows in
 * one call, sources in parallel). `next` is where the following page starts: the last row given, or
 * the last key looked at when the scan budget ran out first (the page is then short), or null at
 * the end of every source.
 */
export async function collectPage<R>(
  sources: Array<NamedSource<R>>,
  options: { limit: number; filtered: boolean },
): Promise<{ rows: R[]; next: ListPosition | null }> {
  const take = merged(sources);
  const rows: R[] = [];
  let scanned = 0;
  const positionAt = ({ t, id, resume }: Taken): ListPosition => ({ t, id, resume });
  for (;;) {
    const need = options.limit - rows.length;
    // Filters read sources holding mostly matches: ask for what is missing, more as rows turn out not to match.
    const hitRate = scanned ? Math.max(rows.length / scanned, MIN_EXPECTED_HIT_RATE) : 1;
    const size = options.filtered ? Math.min(MAX_FILTERED_BATCH, Math.ceil(need / hitRate), MAX_SCANNED_ENTRIES - scanned) : need;
    const batch = await take(size);
    const found = await rowsOf(sources, batch);
    for (let i = 0; i < batch.length; i++) {
      scanned += 1;
      const row = found[i];
      if (row !== null) rows.push(row);
      if (rows.length === options.limit) return { rows, next: positionAt(batch[i]) };
    }
    if (batch.length < size) return { rows, next: null };
    if (scanned >= MAX_SCANNED_ENTRIES) return { rows, next: positionAt(batch[batch.length - 1]) };
  }
}

/** The rows of a batch in its order: each source reads its own keys, all sources at once. */
async function rowsOf<R>(sources: Array<NamedSource<R>>, batch: Taken[]): Promise<Array<R | null>> {
  const byKey = new Map<string, R | null>();
  await Promise.all(
    sources.map(async ({ name, source }) => {
      const keys = batch.filter((key) => key.from === name);
      if (!keys.length) return;
      const rows = await source.rows(keys.map(({ t, id }) => ({ t, id })));
      keys.forEach((key, i) => byKey.set(`${name}:${key.id}`, rows[i] ?? null));
    }),
  );
  return batch.map((key) => byKey.get(`${key.from}:${key.id}`) ?? null);
}

/** A source whose rows are turned into another shape (the feed tags sessions and prompts). */
export function mapRows<R, S>(source: NewestFirst<R>, map: (row: R) => S): NewestFirst<S> {
  return {
    next: (max) => source.next(max),
    rows: async (keys) => (await source.rows(keys)).map((row) => (row === null ? null : map(row))),
  };
}
