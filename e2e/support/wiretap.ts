import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

/**
 * Everything the page sends to the server: websocket frames and `POST /ingest` bodies (the pagehide
 * beacon), compressed ones inflated.
 */
export function wiretap(page: Page): { wire: string[] } {
  const wire: string[] = [];
  const readable = (payload: string | Buffer) => {
    if (typeof payload === 'string') return payload;
    try {
      return gunzipSync(payload).toString('utf8');
    } catch {
      return payload.toString('latin1');
    }
  };
  page.on('websocket', (ws) => ws.on('framesent', (frame) => wire.push(readable(frame.payload))));
  page.on('request', (request) => {
    const body = request.method() === 'POST' && new URL(request.url()).pathname === '/ingest' ? request.postDataBuffer() : null;
    if (body) wire.push(readable(body));
  });
  return { wire };
}
