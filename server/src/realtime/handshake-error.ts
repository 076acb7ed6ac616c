import { ERROR_CODES, type ErrorCode } from '../protocol/error-codes.js';

/** An Error for Socket.IO's `next(err)`: the client's `connect_error` gets `err.data = { code, message }`. */
export function handshakeError(code: ErrorCode, message: string = ERROR_CODES[code].message): Error {
  const error = new Error(message) as Error & { data: { code: ErrorCode; message: string } };
  error.data = { code, message };
  return error;
}
