import { ERROR_CODES, type ErrorCode } from '../protocol/error-codes.js';

/** An Error for Socket.IO's `next(err)`: the client's `connect_error` gets `err.data = { code, message[, details] }`. */
export function handshakeError(code: ErrorCode, message: string = ERROR_CODES[code].message, details?: unknown): Error {
  const error = new Error(message) as Error & { data: { code: ErrorCode; message: string; details?: unknown } };
  error.data = { code, message, ...(details === undefined ? {} : { details }) };
  return error;
}
