import { z } from 'zod';

/** Validation of what the console sends about replays. */

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be an id');

export const watchSessionSchema = z.object({ sessionId: objectId }).strict();

export const chunkSeqSchema = z.coerce.number().int().min(1).max(1_000_000_000);
