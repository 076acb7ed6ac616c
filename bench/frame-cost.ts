/** One frame at 60 Hz: the window main-thread time is counted in. */
export const FRAME_MS = 1000 / 60;

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { message?: string } };
}

/**
 * Main-thread busy time of a page per 16.7 ms frame, from a Chromium trace (categories `toplevel` and
 * `devtools.timeline`): the union of the renderer main thread's top-level tasks, cut into frame-long
 * windows between two `console.timeStamp` marks. The renderer is the one that logged the marks. What a
 * recorder adds is then the same page's frames with it against without it.
 */
export function busyMsPerFrame(trace: Buffer, startMark: string, endMark: string): number[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mark = (message: string) => {
    const found = events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === message);
    if (!found) throw new Error(`the trace has no ${message} mark`);
    return found;
  };
  const start = mark(startMark);
  const end = mark(endMark);
  const intervals = events
    .filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.cat.split(',').includes('toplevel') && e.dur)
    .map((e) => [e.ts, e.ts + e.dur!] as const)
    .sort((a, b) => a[0] - b[0]);
  // Union (a task's events can nest or repeat across categories), clipped to the marks, in µs.
  const merged: Array<[number, number]> = [];
  for (const [from, to] of intervals) {
    const a = Math.max(from, start.ts);
    const b = Math.min(to, end.ts);
    if (b <= a) continue;
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const frameUs = FRAME_MS * 1000;
  const frames = new Array<number>(Math.max(1, Math.floor((end.ts - start.ts) / frameUs))).fill(0);
  for (const [a, b] of merged) {
    for (let i = Math.floor((a - start.ts) / frameUs); i < frames.length && start.ts + i * frameUs < b; i++) {
      const frameStart = start.ts + i * frameUs;
      frames[i] += (Math.min(b, frameStart + frameUs) - Math.max(a, frameStart)) / 1000;
    }
  }
  return frames;
}
