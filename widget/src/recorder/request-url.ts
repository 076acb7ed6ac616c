import { WIDGET_APPEARANCE_PATH } from '../../../server/src/protocol/events.js';
import { MAX_NETWORK_URL_CHARS } from '../../../server/src/protocol/limits.js';

/** Paths of the Chatreel server the widget itself uses: its connection, the pagehide flush, its code, its look. */
const WIDGET_PATHS = ['/socket.io/', '/ingest', '/widget.js', '/widget-chunks/', `${WIDGET_APPEARANCE_PATH}/`];

/**
 * Whether a request is the widget's own traffic, never recorded: on a site of its own origin, everything
 * sent to the Chatreel server (its connection, flushes, chunks, fonts…); on the server's own origin
 * (its demo pages), the widget's paths there.
 */
export function isWidgetTraffic(url: URL, serverOrigin: string, pageOrigin: string): boolean {
  if (url.origin !== serverOrigin) return false;
  return serverOrigin !== pageOrigin || WIDGET_PATHS.some((path) => url.pathname.startsWith(path));
}

/**
 * A request's URL as recorded: absolute, without credentials or fragment, and — unless the application
 * keeps them — every query value masked (`?q=*&page=*`; a bare `?token` becomes `?*`), since what a
 * visitor searched or a token a page passes travels there. `data:` and `blob:` URLs keep their scheme only.
 */
export function recordedUrl(url: URL, keepQueryValues: boolean): string {
  if (url.protocol === 'data:' || url.protocol === 'blob:') return `${url.protocol}…`;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  if (!keepQueryValues && copy.search.length > 1) {
    const masked = copy.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        return equals < 0 ? (pair ? '*' : '') : `${pair.slice(0, equals)}=*`;
      })
      .join('&');
    copy.search = `?${masked}`;
  }
  // URL keeps `*` as it is in a query: the masked form reads as written.
  return copy.href.slice(0, MAX_NETWORK_URL_CHARS);
}
