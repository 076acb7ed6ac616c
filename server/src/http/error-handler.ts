import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from './app-error.js';

/** The one place REST errors become responses. Only catalogued codes reach the client. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = toAppError(error);
    if (known.status >= 500) logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return void res.end();
    const retryAfterMs = (known.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    if (typeof retryAfterMs === 'number') res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    res.status(known.status).json(known.toBody());
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new AppError('E_NOT_FOUND'));

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // body-parser marks its errors with `type`.
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new AppError('E_TOO_LARGE');
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('E_BAD_REQUEST', 'The request body is not valid JSON.');
  }
  // Any other client error the body parser or Express raises (a body cut short, a length that does
  // not match, an encoding it will not read): the client's fault, said as such, never a 500.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 413 ? new AppError('E_TOO_LARGE') : new AppError('E_BAD_REQUEST');
  }
  return new AppError('E_INTERNAL');
}
