import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { WEBHOOK_LOG_RESPONSE_CHARS, WEBHOOK_MAX_RESPONSE_BYTES, WEBHOOK_TIMEOUT_MS } from '../protocol/limits.js';
import { AddressRefused, bareHost, guardedLookup, isRefusedAddress } from './outbound-address.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  allowPrivateAddresses: boolean;
}

export interface WebhookResponse {
  /** null: no HTTP answer (refused address, timeout, connection failure). */
  statusCode: number | null;
  ok: boolean;
  /** The start of the response body, or what went wrong, for the delivery log. */
  response: string;
}

/**
 * POSTs one delivery to the endpoint's URL and nowhere else: redirects are not followed (a 3xx is a
 * failure), the whole exchange is bounded by WEBHOOK_TIMEOUT_MS, at most WEBHOOK_MAX_RESPONSE_BYTES of
 * the answer are read, and the address connected to is checked at connect time (an IP literal before,
 * since no lookup happens for it): never link-local or reserved, and private only when the endpoint allows it.
 */
export function sendWebhook(request: WebhookRequest, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<WebhookResponse> {
  return new Promise((resolve) => {
    const url = new URL(request.url);
    const host = bareHost(url.hostname);
    if (isIP(host) && isRefusedAddress(host, request.allowPrivateAddresses)) {
      return resolve({ statusCode: null, ok: false, response: new AddressRefused(host, host).message });
    }
    let settled = false;
    const done = (result: WebhookResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, response: result.response.slice(0, WEBHOOK_LOG_RESPONSE_CHARS) });
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Chatreel-Webhooks/1', 'content-length': Buffer.byteLength(request.body), ...request.headers },
      // A fresh connection per delivery: a pooled socket would skip the connect-time address check.
      agent: false,
      lookup: guardedLookup(request.allowPrivateAddresses) as never,
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ statusCode: null, ok: false, response: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (error) => done({ statusCode: null, ok: false, response: error.message }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = () => {
        const text = Buffer.concat(chunks).subarray(0, WEBHOOK_MAX_RESPONSE_BYTES).toString('utf8');
        const redirect = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '?'} not followed. ` : '';
        done({ statusCode: status, ok: status >= 200 && status < 300, response: redirect + text });
      };
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        chunks.push(chunk);
        // Enough read: the rest of a large (or endless) answer is dropped unread.
        if (bytes >= WEBHOOK_MAX_RESPONSE_BYTES) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.end(request.body);
  });
}
