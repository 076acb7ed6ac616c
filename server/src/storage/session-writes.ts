/**
 * Serializes this process's writes to one session document.
 *
 * FerretDB 1.x applies an update by reading the document, changing it in Go and writing it back,
 * without a transaction: two concurrent updates of the same document can lose one of them (seen:
 * a session completed by the sweep came back `active` when a disconnect mark was written at the same
 * moment; two `$inc` draws gave the same number). Every writer of a session document goes through
 * here, so within one server they never overlap. MongoDB needs none of this, and it costs nothing there.
 */
const tails = new Map<string, Promise<unknown>>();

export function serializeSessionWrite<T>(sessionId: string, write: () => PromiseLike<T>): Promise<T> {
  const previous = tails.get(sessionId) ?? Promise.resolve();
  const run = previous.then(write, write);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(sessionId, tail);
  void tail.then(() => {
    if (tails.get(sessionId) === tail) tails.delete(sessionId);
  });
  return run;
}
