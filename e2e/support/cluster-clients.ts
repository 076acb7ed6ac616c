import { gzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';

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

/** How long a batch may wait for its acknowledgement before it is sent again (after a reconnection). */
const BATCH_ACK_TIMEOUT_MS = 3_000;

/**
 * A recording visitor as the widget behaves, over a plain socket.io-client through the balancer:
 * it reconnects by itself, starts (resumes) its session on every new connection, and sends each
 * batch until one acknowledgement says it is stored, resending after a lost connection.
 */
export class RecordingVisitor {
  readonly sessionIds = new Set<string>();
  /** Times the connection was lost. */
  disconnects = 0;
  private auth: { key: string; visitorId?: string; visitorToken?: string };
  private started: Promise<string>;
  private startedNow!: (sessionId: string) => void;

  constructor(
    readonly socket: Socket,
    key: string,
  ) {
    this.auth = { key };
    this.started = this.nextStart();
    socket.on('widget:ready', ({ visitorId, visitorToken }: { visitorId: string; visitorToken: string }) => {
      this.auth = { key, visitorId, visitorToken };
      void this.startSession();
    });
    socket.on('disconnect', () => {
      this.disconnects += 1;
      this.started = this.nextStart();
    });
  }

  /** The `auth` a reconnection sends: the visitor id and token of the first page (as the widget stores them). */
  authForReconnect = (send: (auth: object) => void) => send(this.auth);

  private nextStart() {
    return new Promise<string>((resolve) => (this.startedNow = resolve));
  }

  private async startSession() {
    const answer = await this.socket.timeout(BATCH_ACK_TIMEOUT_MS).emitWithAck('session:start', { url: 'https://chat.example/', viewport: { width: 1200, height: 800 } }).catch(() => null);
    const sessionId: string | undefined = answer?.data?.session.id;
    if (!sessionId) return;
    this.sessionIds.add(sessionId);
    this.startedNow(sessionId);
  }

  session(): Promise<string> {
    return this.started;
  }

  /** Sends batch `seq` until it is stored (or was already); resolves with the session it went to. */
  async send(seq: number): Promise<string> {
    for (;;) {
      const sessionId = await this.started;
      const answer = await this.socket
        .timeout(BATCH_ACK_TIMEOUT_MS)
        .emitWithAck('recording:batch', { sessionId, seq, data: recordingBatch(seq) })
        .catch(() => null);
      if (answer?.data) return sessionId;
      if (answer?.error && answer.error.code !== 'E_SESSION_MISMATCH') throw new Error(`batch ${seq} refused: ${JSON.stringify(answer.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A RecordingVisitor connected to `url` (the balancer) from the test site, websocket only, reconnecting. */
export function recordingVisitor(url: string, key: string, address: string): RecordingVisitor {
  let visitor: RecordingVisitor | undefined;
  const socket = io(`${url}/visitor`, {
    auth: (send) => visitor!.authForReconnect(send),
    transports: ['websocket'],
    // A distinct client address each (X-Forwarded-For from a trusted proxy): per-address limits stay per visitor.
    extraHeaders: { origin: 'https://chat.example', 'x-forwarded-for': address },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    forceNew: true,
    autoConnect: false,
  });
  visitor = new RecordingVisitor(socket, key);
  socket.connect();
  return visitor;
}
