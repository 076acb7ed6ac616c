import { gzip } from './compress.js';

/** A worker that has not answered its first batch by then is taken as blocked (a page's CSP, say). */
const FIRST_ANSWER_TIMEOUT_MS = 5_000;

interface Job {
  text: string;
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

export interface Gzipper {
  gzip(text: string): Promise<Uint8Array>;
  terminate(): void;
}

/**
 * gzip off the main thread: the batches' compression (encoding the JSON to UTF-8 and deflating it, the
 * recorder's largest main-thread cost on a busy page) runs in a Web Worker started from a Blob URL
 * with the recorder. The same `gzip` runs there (its source is the worker's), so the bytes are what the
 * server always took. A page whose Content-Security-Policy forbids blob: workers, or a browser without
 * workers, gets the main-thread gzip instead, for the batches waiting and every later one.
 */
export function createGzipper(): Gzipper {
  const waiting = new Map<number, Job>();
  let nextId = 0;
  let answered = false;
  let worker: Worker | null | undefined;

  const onMainThread = (job: Job) => void gzip(job.text).then(job.resolve, job.reject);
  const giveUp = () => {
    worker?.terminate();
    worker = null;
    for (const job of waiting.values()) onMainThread(job);
    waiting.clear();
  };
  const start = (): Worker | null => {
    try {
      const source = `const gzip = ${gzip.toString()};\n(${workerMain.toString()})(gzip);`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const started = new Worker(url);
      started.onmessage = ({ data }: MessageEvent<{ id: number; bytes?: Uint8Array }>) => {
        if (!answered) URL.revokeObjectURL(url);
        answered = true;
        const job = waiting.get(data.id);
        waiting.delete(data.id);
        if (job && data.bytes) job.resolve(data.bytes);
        else if (job) onMainThread(job);
      };
      started.onerror = giveUp;
      return started;
    } catch {
      return null;
    }
  };

  return {
    gzip(text) {
      if (worker === undefined) worker = start();
      const running = worker;
      if (!running) return gzip(text);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { text, resolve, reject });
        running.postMessage({ id, text });
        if (!answered) setTimeout(() => !answered && worker === running && giveUp(), FIRST_ANSWER_TIMEOUT_MS);
      });
    },
    terminate() {
      giveUp();
    },
  };
}

/** The worker's code (it runs as its own script: it may use nothing from this module but its argument). */
function workerMain(compress: (text: string) => Promise<Uint8Array>): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent<{ id: number; text: string }>) => void) | null;
    postMessage(message: unknown, transfer?: Transferable[]): void;
  };
  scope.onmessage = ({ data: { id, text } }) =>
    void compress(text).then(
      (bytes) => scope.postMessage({ id, bytes }, [bytes.buffer]),
      () => scope.postMessage({ id }),
    );
}
