import type { Storage } from './ports.js';

/** What an implementation hands open-database.ts, which adds the connection's own parts (documents, health, close). */
export type ImplementationParts = Omit<Storage, 'documents' | 'eraseApp' | 'health' | 'close' | 'fonts' | 'apiTokens' | 'webhooks' | 'heatmaps'> & {
  /** Writes what the implementation still holds in memory (before the connection closes). */
  close(): Promise<void>;
  /** Writes now what the implementation would write a moment later (the embedded read model's deferred lists). */
  settle?(): Promise<void>;
};
