import { z } from 'zod';
import type { ListPosition } from '../ports.js';

/**
 * Cursors of the list-walking implementations: base64url JSON of the last key and, per source, a
 * resume token `<list>@<page>` — the list walked and the page of the key, checked before it is used
 * (a wrong or forged token costs two reads, never a wrong row). Anything else is refused.
 */
const MAX_PAGE = 100_000_000;
const MAX_TOKEN_CHARS = 60;

const cursorShape = z
  .object({
    t: z.number().int().min(0),
    id: z.string().regex(/^[0-9a-f]{24}$/),
    r: z
      .object({ sessions: z.string().max(MAX_TOKEN_CHARS), prompts: z.string().max(MAX_TOKEN_CHARS) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export const listCursors = {
  token: (list: string, page: number): string => `${list}@${page}`,

  /** The page a token names for `list`, or undefined (no token, or one naming another list). */
  page(token: string | undefined, list: string): number | undefined {
    if (!token) return undefined;
    const at = token.lastIndexOf('@');
    const page = Number(token.slice(at + 1));
    return at > 0 && token.slice(0, at) === list && Number.isInteger(page) && page >= 0 && page <= MAX_PAGE ? page : undefined;
  },

  encode({ t, id, resume }: ListPosition): string {
    return Buffer.from(JSON.stringify({ t, id, ...(Object.keys(resume).length ? { r: resume } : {}) }), 'utf8').toString('base64url');
  },

  decode(cursor: string): ListPosition | null {
    try {
      const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      return parsed.success ? { t: parsed.data.t, id: parsed.data.id, resume: parsed.data.r ?? {} } : null;
    } catch {
      return null;
    }
  },
};
