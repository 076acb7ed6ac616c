import { ApiError } from '../api-client.js';

/**
 * Runs a console action for an element that shows a `message` and an `error`: both are cleared first,
 * and a failure leaves the server's sentence for people in `error` (or a plain one when it said none).
 */
export async function runAction(host: { message: string; error: string }, action: () => Promise<void>): Promise<void> {
  host.message = '';
  host.error = '';
  try {
    await action();
  } catch (error) {
    host.error = error instanceof ApiError ? error.message : 'The server could not do this.';
  }
}
