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
  /** Thread (CPU) time, µs. */
  tdur?: number;
  args?: { name?: string; data?: { message?: string } };
}

/**
 * Main-thread time of a page per 16.7 ms frame, from a Chromium trace (categories `toplevel` and
 * `devtools.timeline`): the renderer main thread's outermost top-level tasks, each task's thread CPU time
 * (`tdur`; its wall time where the trace has none for it) spread over the frames its wall time spans, between
 * two `console.timeStamp` marks. The renderer is the one that logged the marks. CPU time, so other
 * processes on a shared machine (which stretch a task's wall time, not its work) count little. What a
 * recorder adds is then the same page's frames with it against without it.
 */
export function busyMsPerFrame(trace: Buffer, startMark: string, endMark: string): { frames: number[]; cpuTimeShare: number } {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mark = (message: string) => {
    const found = events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === message);
    if (!found) throw new Error(`the trace has no ${message} mark`);
    return found;
  };
  const start = mark(startMark);
  const end = mark(endMark);
  const tasks = events
    .filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.cat.split(',').includes('toplevel') && e.dur && e.ts < end.ts && e.ts + e.dur > start.ts)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Outermost only: a task's events can nest or repeat across categories.
  const outermost: TraceEvent[] = [];
  for (const task of tasks) {
    const last = outermost.at(-1);
    if (!last || task.ts >= last.ts + last.dur!) outermost.push(task);
  }
  const cpuTimeShare = outermost.filter((task) => typeof task.tdur === 'number').length / Math.max(1, outermost.length);
  const frameUs = FRAME_MS * 1000;
  const frames = new Array<number>(Math.max(1, Math.floor((end.ts - start.ts) / frameUs))).fill(0);
  for (const task of outermost) {
    const [a, b] = [task.ts, task.ts + task.dur!];
    const msPerUs = (task.tdur ?? task.dur!) / task.dur! / 1000;
    for (let i = Math.max(0, Math.floor((a - start.ts) / frameUs)); i < frames.length && start.ts + i * frameUs < b; i++) {
      const frameStart = start.ts + i * frameUs;
      frames[i] += Math.max(0, Math.min(b, frameStart + frameUs) - Math.max(a, frameStart)) * msPerUs;
    }
  }
  return { frames, cpuTimeShare };
}
