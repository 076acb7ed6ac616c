/**
 * socket.io-client as the widget loads it (lazily, on the first connection): `io` only. A dynamic import
 * of 'socket.io-client' itself would keep every export of its index, which re-exports all of
 * engine.io-client's transports, and the bundle would carry long-polling and WebTransport again (see
 * scripts/websocket-only-transports.mjs).
 */
export { io } from 'socket.io-client';
