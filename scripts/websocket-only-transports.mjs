import { createRequire } from 'node:module';
import path from 'node:path';

const VIRTUAL_ID = '\0chatreel:engine.io-websocket-only-transports';
const ENGINE_ESM = `${path.sep}engine.io-client${path.sep}build${path.sep}esm${path.sep}`;

/**
 * socket.io-client with the websocket transport only, for the widget's bundle. The widget connects by
 * websocket and never falls back (engine.io-client tries the first transport only unless
 * `tryAllTransports` is set, and a cluster behind a balancer without stickiness needs websockets
 * anyway), so the HTTP long-polling and WebTransport code (about 3 KB gzip) is dead weight. socket.io-client
 * stays the client library: engine.io-client's table of transports (`transports/index.js`, which names
 * all three) is replaced by one naming the websocket only, and the other transports' modules are declared
 * free of side effects so nothing keeps them.
 */
export function websocketOnlyTransports() {
  const require = createRequire(import.meta.url);
  const websocketModule = path.join(path.dirname(require.resolve('engine.io-client/package.json')), 'build/esm/transports/websocket.js');
  return {
    name: 'websocket-only-transports',
    resolveId(source, importer) {
      if (source === './transports/index.js' && importer?.includes(ENGINE_ESM)) return VIRTUAL_ID;
      return null;
    },
    load(id) {
      if (id !== VIRTUAL_ID) return null;
      return `import { WS } from ${JSON.stringify(websocketModule)};\nexport const transports = { websocket: WS };\n`;
    },
    transform(code, id) {
      // polling-xhr.js probes XMLHttpRequest at load: harmless, but it would keep the whole polling transport.
      if (id.includes(`${ENGINE_ESM}transports${path.sep}`)) return { code, map: null, moduleSideEffects: false };
      return null;
    },
  };
}
