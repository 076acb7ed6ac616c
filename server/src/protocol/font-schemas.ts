import { z } from 'zod';
import { MAX_FONTS_PER_PAGE } from './limits.js';
import { SHA256_HEX } from './replay-fonts.js';

/** Payloads of the visitor's font commands (replay-fonts.ts). Strict: a field the protocol has not got (a URL to fetch, say) is refused. */

const sessionId = z.string().min(1).max(64);
const sha256 = z.string().regex(SHA256_HEX, 'a SHA-256 in lowercase hex');

export const fontsMissingSchema = z.strictObject({
  sessionId,
  hashes: z.array(sha256).max(MAX_FONTS_PER_PAGE),
});

export const fontStoreSchema = z.strictObject({
  sessionId,
  sha256,
  // Socket.IO hands binary attachments over as Buffers; their size is checked by the service (E_TOO_LARGE).
  data: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'the font file as binary data'),
});
