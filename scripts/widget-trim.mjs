import { rrwebRecordWithoutCanvas } from './rrweb-record-without-canvas.mjs';
import { websocketOnlyTransports } from './websocket-only-transports.mjs';

/**
 * The rollup plugins that leave out of the widget's bundle what it never runs: socket.io-client's
 * long-polling and WebTransport, rrweb's canvas recording. Used by rollup.config.mjs and by the
 * widget-size bench's composition build, so the profile describes the bundle that ships.
 */
export function widgetTrim() {
  return [websocketOnlyTransports(), rrwebRecordWithoutCanvas()];
}
