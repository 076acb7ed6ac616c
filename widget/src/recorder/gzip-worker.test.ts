import { expect } from '@open-wc/testing';
import { createGzipper } from './gzip-worker.js';

const gunzip = async (bytes: Uint8Array) =>
  new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).text();

/** A batch as the outbox seals it: a JSON array of events, big enough to matter. */
const batch = JSON.stringify(Array.from({ length: 2_000 }, (_, i) => ({ type: 3, timestamp: 1_700_000_000_000 + i, data: { source: 0, texts: [{ id: i, value: `Row ${i} é ✓` }] } })));

/** Counts the workers the page starts (the real Worker, only counted). */
function countWorkers(): { started: Worker[]; restore(): void } {
  const RealWorker = window.Worker;
  const started: Worker[] = [];
  window.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      started.push(this);
    }
  };
  return { started, restore: () => void (window.Worker = RealWorker) };
}

describe('gzip of recorded batches off the main thread (Chromium)', () => {
  it('compresses in one worker, batch after batch, into gzip the server reads back to the same JSON', async () => {
    const workers = countWorkers();
    const gzipper = createGzipper();
    try {
      const [first, second] = await Promise.all([gzipper.gzip(batch), gzipper.gzip('[{"type":4}]')]);
      expect(workers.started).to.have.length(1);
      expect(await gunzip(first)).to.equal(batch);
      expect(await gunzip(second)).to.equal('[{"type":4}]');
      expect(first[0]).to.equal(0x1f); // gzip's magic bytes, as the server's ingest expects
      expect(first[1]).to.equal(0x8b);
      expect(first.length).to.be.lessThan(batch.length / 5);
    } finally {
      gzipper.terminate();
      workers.restore();
    }
  });

  it('compresses on the page when the page cannot start a worker', async () => {
    const RealWorker = window.Worker;
    window.Worker = class {
      constructor() {
        throw new DOMException('blocked', 'SecurityError');
      }
    } as unknown as typeof Worker;
    try {
      const gzipper = createGzipper();
      expect(await gunzip(await gzipper.gzip(batch))).to.equal(batch);
    } finally {
      window.Worker = RealWorker;
    }
  });

  // Last: the policy stays on this page.
  it("compresses on the page, the batches waiting included, when the page's Content-Security-Policy forbids blob: workers", async () => {
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = "worker-src 'none'";
    document.head.append(policy);
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
    const gzipper = createGzipper();
    const results = await Promise.all([gzipper.gzip(batch), gzipper.gzip('[1]')]);
    expect(violations).to.include('worker-src'); // the worker really was refused
    expect(await gunzip(results[0])).to.equal(batch);
    expect(await gunzip(results[1])).to.equal('[1]');
  });
});
