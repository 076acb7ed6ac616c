import { gzipSync } from 'node:zlib';
import type { Socket } from 'socket.io-client';

/** How long a live event may take from one node to a client of the other (issue 16). */
export const CROSS_NODE_MS = 2_000;

/**
 * Resolves with the first `name` event whose payload passes `match`, arriving within `timeoutMs` of
 * the call. Listen first, then act: the event cannot slip between the two.
 */
export function nextEvent<T = any>(socket: Pick<Socket, 'on' | 'off'>, name: string, match: (payload: T) => boolean = () => true, timeoutMs = CROSS_NODE_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      resolve(payload);
    };
    socket.on(name, listener);
  });
}

/** One recording batch as the widget sends it: gzip'd rrweb events (the first with a full snapshot). */
export function recordingBatch(seq: number): Buffer {
  const start = seq * 1000;
  const events =
    seq === 1
      ? [
          { type: 4, timestamp: start, data: { href: 'https://chat.example/', width: 1200, height: 800 } },
          { type: 2, timestamp: start + 1, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { left: 0, top: 0 } } },
        ]
      : [{ type: 3, timestamp: start, data: { source: 1, positions: [{ x: seq, y: seq, id: 1, timeOffset: 0 }] } }];
  return gzipSync(Buffer.from(JSON.stringify(events)));
}
