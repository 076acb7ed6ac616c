import { z } from 'zod';
import { MAX_BATCH_SEQ } from './limits.js';

/** Validation of what the console sends about replays. */

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be an id');

export const watchSessionSchema = z.object({ sessionId: objectId }).strict();

/** Seqs are 1 ≤ seq < MAX_BATCH_SEQ, as the ingest takes them. */
export const chunkSeqSchema = z.coerce.number().int().min(1).max(MAX_BATCH_SEQ - 1);
