import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** The status code the next requests are answered with (200 unless set). */
  answer(status: number): void;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 (on `port` when given) that keeps every request it gets. */
export async function startWebhookReceiver(options: { port?: number; delayMs?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      received.push({ headers: req.headers, body, json });
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver failing'), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    answer: (next) => void (status = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Verifier = (secret: string, rawBody: string, header: string, toleranceSeconds?: number) => boolean;

/**
 * The signature check exactly as README.md's "Webhooks" section shows it to receivers: its code block
 * (marked `<!-- webhook-verify -->`) is read and run, so a README that drifts from the server fails.
 */
export function readmeWebhookVerifier(): Verifier {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const block = /<!-- webhook-verify -->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no webhook-verify example');
  const code = block[1]
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n');
  return new Function('createHmac', 'timingSafeEqual', 'Buffer', `${code}\nreturn verifyChatreelSignature;`)(createHmac, timingSafeEqual, Buffer) as Verifier;
}
