import { fileURLToPath } from 'node:url';
import { startHelper } from './helper-process.js';
import { freePort } from './server-process.js';

export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';
/** The deployment's own configuration: what the cluster test runs is what deploy/ ships. */
export const HAPROXY_CONFIG = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url));

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** HAProxy in the foreground with deploy/haproxy.cfg in front of two nodes (`host:port` each). */
export async function startBalancer(nodes: [string, string]): Promise<Balancer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { CHATREEL_LISTEN: `127.0.0.1:${port}`, CHATREEL_NODE_A: nodes[0], CHATREEL_NODE_B: nodes[1] };
  // Ready once both nodes passed their health checks (`rise 2`): a request then reaches either.
  const helper = await startHelper('haproxy', HAPROXY, ['-db', '-f', HAPROXY_CONFIG], async () => (await fetch(`${url}/readyz`)).ok, { env });
  return { url, stop: () => helper.stop() };
}
