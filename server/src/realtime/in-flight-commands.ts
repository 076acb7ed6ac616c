import type { Namespace } from 'socket.io';

/**
 * Commands received and not yet answered, across the given namespaces: a node that drains (SIGTERM)
 * lets them finish before it closes its sockets, so a batch or a message being stored is acknowledged
 * by the node that stored it instead of being sent again elsewhere (issue 16). Every command that
 * expects an answer carries its acknowledgement callback last; it is wrapped to count the answer.
 */
export function inFlightCommands(namespaces: Namespace[]) {
  let pending = 0;
  let settled: Array<() => void> = [];
  const answered = () => {
    pending -= 1;
    if (pending === 0) for (const resolve of settled.splice(0)) resolve();
  };
  for (const nsp of namespaces) {
    nsp.on('connection', (socket) => {
      socket.use((packet, next) => {
        const ack = packet.at(-1);
        if (typeof ack === 'function') {
          pending += 1;
          let once = false;
          packet[packet.length - 1] = (...args: unknown[]) => {
            if (!once) {
              once = true;
              answered();
            }
            return ack(...args);
          };
        }
        next();
      });
    });
  }
  return {
    count: () => pending,
    /** Resolves once every command received so far is answered, or after `maxMs`, whichever comes first. */
    settled(maxMs: number): Promise<void> {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          settled = settled.filter((entry) => entry !== done);
          resolve();
        }, maxMs);
        timer.unref();
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        settled.push(done);
      });
    },
  };
}
