import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Anthropic's Messages API (POST /v1/messages, `stream: true`), reached by the
 * real SDK through ANTHROPIC_BASE_URL. Each request is answered by the next scripted reply (or the
 * default one) with the SSE events the API sends.
 */
export interface ScriptedReply {
  /** Text deltas, sent in order. */
  tokens?: string[];
  /** Pause before each delta. */
  delayPerTokenMs?: number;
  /** After the deltas, keep the stream open until `release()` (or the client goes away). */
  hold?: boolean;
  /** An `error` event after the deltas instead of a normal end. */
  error?: { type: string; message: string };
  /** Answer with this HTTP status and an error body instead of a stream. */
  status?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export interface RecordedRequest {
  body: {
    model: string;
    system?: string | Array<{ type: string; text: string }>;
    messages: Array<{ role: string; content: string | Array<{ type: string; text: string }> }>;
    max_tokens: number;
    stream?: boolean;
  };
  headers: IncomingMessage['headers'];
  /** True once the client closed the connection before the stream ended. */
  aborted: boolean;
  finished: boolean;
}

export interface AnthropicDouble {
  url: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. */
  script(...replies: ScriptedReply[]): void;
  /** Used when the queue is empty. */
  setDefault(reply: ScriptedReply): void;
  /** Ends held streams normally. */
  release(): void;
  close(): Promise<void>;
}

export const DEFAULT_REPLY: ScriptedReply = { tokens: ['Hello', ' from', ' the', ' double.'], inputTokens: 10, outputTokens: 4 };

export async function startAnthropicDouble(): Promise<AnthropicDouble> {
  const queue: ScriptedReply[] = [];
  let fallback = DEFAULT_REPLY;
  const requests: RecordedRequest[] = [];
  const held = new Set<() => void>();

  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as RecordedRequest['body'];
    const record: RecordedRequest = { body, headers: req.headers, aborted: false, finished: false };
    requests.push(record);
    res.on('close', () => {
      if (!record.finished) record.aborted = true;
    });
    await answer(queue.shift() ?? fallback, body, res, record, held);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    setDefault: (reply) => (fallback = reply),
    release: () => {
      for (const resume of [...held]) resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const resume of [...held]) resume();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(reply: ScriptedReply, body: RecordedRequest['body'], res: ServerResponse, record: RecordedRequest, held: Set<() => void>) {
  if (reply.status) {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `scripted status ${reply.status}` } }));
    record.finished = true;
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: string, data: object) => {
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  const tokens = reply.tokens ?? [];
  send('message_start', {
    message: {
      id: `msg_double_${Date.now()}`,
      type: 'message',
      role: 'assistant',
      content: [],
      model: body.model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: reply.inputTokens ?? 10, output_tokens: 1 },
    },
  });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('ping', {});
  for (const text of tokens) {
    if (reply.delayPerTokenMs) await sleep(reply.delayPerTokenMs);
    if (res.destroyed) return;
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  }
  if (reply.hold) {
    await new Promise<void>((resolve) => {
      const resume = () => {
        held.delete(resume);
        resolve();
      };
      held.add(resume);
      res.once('close', resume);
    });
    if (res.destroyed) return;
  }
  if (reply.error) {
    send('error', { error: reply.error });
    record.finished = true;
    res.end();
    return;
  }
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: reply.outputTokens ?? tokens.length } });
  send('message_stop', {});
  record.finished = true;
  res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
