import type { z } from 'zod';
import { AppError } from './app-error.js';

/** Parses a client payload with its protocol schema, or throws E_INVALID_PAYLOAD naming the fields. */
export function validate<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = fields[0];
  throw new AppError('E_INVALID_PAYLOAD', first.path ? `${first.path}: ${first.message}` : first.message, fields);
}
