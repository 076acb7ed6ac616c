/**
 * The one catalogue of error codes that may reach a client, with their HTTP status and a sentence for
 * people. Codes are stable: never reuse or rename one.
 */
export const ERROR_CODES = {
  E_BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  E_INVALID_PAYLOAD: { status: 400, message: 'The payload does not match the expected shape.' },
  E_UNAUTHORIZED: { status: 401, message: 'Sign in to continue.' },
  E_BAD_CREDENTIALS: { status: 401, message: 'Wrong email or password.' },
  E_FORBIDDEN: { status: 403, message: 'You do not have access to this.' },
  E_ORIGIN_NOT_ALLOWED: { status: 403, message: 'This website is not allowed to use this widget key.' },
  E_NOT_FOUND: { status: 404, message: 'Not found.' },
  E_UNKNOWN_KEY: { status: 404, message: 'No application has this widget key.' },
  E_CONFLICT: { status: 409, message: 'This conflicts with existing data.' },
  E_TOO_LARGE: { status: 413, message: 'The payload is too large.' },
  E_RATE_LIMITED: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  E_SESSION_MISMATCH: { status: 403, message: 'This connection may only write to its own session.' },
  E_SESSION_ENDED: { status: 409, message: 'This session has ended.' },
  E_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  E_UNAVAILABLE: { status: 503, message: 'The service is not available right now.' },
  E_IDENTITY_REJECTED: { status: 403, message: 'The visitor identity could not be verified.' },
  E_MESSAGE_TOO_LONG: { status: 413, message: 'This message is too long.' },
  E_FOREIGN_ORIGIN: { status: 403, message: 'The console accepts this only from its own address, not from another website.' },
  E_SEQ_OUT_OF_RANGE: { status: 409, message: 'This batch is numbered far beyond what the recording has stored.' },
  E_QUOTA_EXCEEDED: { status: 403, message: 'The recording storage quota is used up; recording stopped.' },
  E_ANALYSIS_FAILED: { status: 422, message: 'This recording could not be analysed within the limits.' },
  E_NOT_A_FONT: { status: 415, message: 'This file is not a WOFF2, WOFF, TrueType or OpenType font.' },
  E_HASH_MISMATCH: { status: 400, message: 'The file does not match the SHA-256 hash sent with it.' },
  E_FONT_QUOTA_EXCEEDED: { status: 403, message: 'The font storage quota of this application is used up.' },
  E_ALREADY_RATED: { status: 409, message: 'This conversation was rated already.' },
  E_WRONG_PASSWORD: { status: 403, message: 'The current password is not correct.' },
  E_NAME_MISMATCH: { status: 400, message: 'Type the application\'s name exactly to confirm.' },
  E_CONSENT_REQUIRED: { status: 403, message: 'This application records only with the visitor\'s consent, and none was declared: nothing was stored.' },
  E_PRIVACY_SIGNAL: { status: 403, message: 'The visitor\'s browser asks not to be tracked (Global Privacy Control or Do Not Track), and this application respects it: nothing was stored.' },
  E_WEBHOOK_ADDRESS_REFUSED: { status: 400, message: 'This webhook URL is a private, loopback or link-local address, or could not be resolved.' },
  E_RECORDING_DAMAGED: { status: 422, message: 'This part of the recording is stored damaged and cannot be read; the rest of the recording can.' },
  E_TOO_MANY_WEBHOOKS: { status: 409, message: 'This application has as many webhook endpoints as it may have.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The shape every failed REST call and every failed Socket.IO acknowledgement carries. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
