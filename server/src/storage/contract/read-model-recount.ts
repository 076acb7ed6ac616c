import { internalsOf } from '../internals.js';
import type { Storage } from '../ports.js';
import type { EmbeddedInternals } from '../embedded/embedded-storage.js';
import { decodeEntries, setMembers, type ReadModelDoc } from '../embedded/read-model-keys.js';
import { rebuildReadModel } from '../embedded/rebuild.js';

/**
 * The embedded read model's documents of an application, as readers see them (each list's entries
 * in order, each set's members, the counters and buckets), against a rebuild from the raw sessions
 * and messages: one readable line per difference. Nothing to compare on another implementation.
 */
export async function readModelDifferences(db: Storage, appId: string): Promise<string[]> {
  const internals = internalsOf<Partial<EmbeddedInternals>>(db);
  if (!internals.readModel || !internals.models) return [];
  const { models } = internals;
  const live = await readModel(models.ReadModel.collection, appId);
  await rebuildReadModel(models, models.ReadModel.collection, appId);
  return differences(live, await readModel(models.ReadModel.collection, appId));
}

async function readModel(collection: EmbeddedInternals['models']['ReadModel']['collection'], appId: string) {
  const docs = (await collection.find({ appId } as never).toArray()) as unknown as ReadModelDoc[];
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
  const model: Record<string, unknown> = {};
  for (const doc of docs) {
    const name = doc._id.slice(appId.length + 1);
    if (name.endsWith(':head')) {
      const list = name.slice(0, -':head'.length);
      model[`list ${list}`] = Array.from({ length: Number(doc.pages) || 0 }, (_, n) => decodeEntries(byId.get(`${appId}:${list}:${n}`)?.items)).flat();
    } else if (name === 'active') {
      model['set active'] = setMembers(doc, 'm');
    } else if (name === 'chats') {
      model['set chats'] = setMembers(doc, 't').map((entry) => ({ ...entry, ref: doc[`c${entry.id}`] }));
    } else if (!/:\d+$/.test(name)) {
      const { _id: _i, appId: _a, ...counts } = doc;
      model[name] = Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return model;
}

const key = (entry: { t: number; id: string; ref?: string }) => `${entry.t}-${entry.id}-${entry.ref ?? ''}`;

function differences(left: Record<string, unknown>, right: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    const [a, b] = [left[name], right[name]];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (Array.isArray(a) || Array.isArray(b)) {
      const [have, want] = [(a ?? []) as Array<{ t: number; id: string }>, (b ?? []) as Array<{ t: number; id: string }>];
      const haveKeys = new Set(have.map(key));
      const wantKeys = new Set(want.map(key));
      const missing = want.filter((entry) => !haveKeys.has(key(entry))).length;
      const extra = have.filter((entry) => !wantKeys.has(key(entry))).length;
      lines.push(`${name}: ${missing} of ${want.length} missing, ${extra} extra${missing || extra ? '' : ', out of order or repeated'}`);
    } else {
      lines.push(`${name}: ${JSON.stringify(a)} where the recount has ${JSON.stringify(b)}`);
    }
  }
  return lines;
}
