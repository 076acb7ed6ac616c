/**
 * Keeps one CPU core busy until its parent stops it (the replay bench's load, replay-load.ts): short
 * spins between timer turns, so the process still hears SIGTERM and its IPC channel.
 */
const SPIN_MS = 50;
let sink = 0;
setInterval(() => {
  const until = performance.now() + SPIN_MS;
  while (performance.now() < until) sink = (sink + Math.sqrt(sink + 1)) % 1e9;
}, 0);
process.on('disconnect', () => process.exit(0));
