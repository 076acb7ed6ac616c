import type { Collection } from 'mongodb';
import type { Models } from './models.js';

/** What every implementation registers (test-seams.ts reaches the shared documents through it). */
export interface SharedInternals {
  models: Models;
  /** The collection of the counters and chart buckets (activity-counters.ts). */
  counters: Collection;
  /** The ingest path's test seams (a slowed database: ingest-pipeline.ts). */
  ingestSeams: { delayMs: number; forgetSessions(ids: string[]): void };
}

/**
 * What an implementation keeps behind the port, reachable from tests inside storage/ only (a test of
 * the read model looks at its documents; nothing else may). Keyed by the Storage object it opened.
 */
const registry = new WeakMap<object, unknown>();

export function registerInternals<T>(storage: object, internals: T): void {
  registry.set(storage, internals);
}

export function internalsOf<T>(storage: object): T {
  const internals = registry.get(storage);
  if (!internals) throw new Error('this storage has no registered internals');
  return internals as T;
}
