import type { z } from 'zod';
import { AppError } from './app-error.js';

/**
 * Parses a client payload with its protocol schema, or throws E_INVALID_PAYLOAD naming the fields. The
 * message is the first problem, after its field's path — unless the schema wrote it as a sentence for
 * people (a custom issue with `params.sentence`), which the console shows as is.
 */
export function validate<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = fields[0];
  const sentence = (result.error.issues[0] as { params?: { sentence?: boolean } }).params?.sentence === true;
  throw new AppError('E_INVALID_PAYLOAD', first.path && !sentence ? `${first.path}: ${first.message}` : first.message, fields);
}
