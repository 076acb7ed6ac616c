import path from 'node:path';

const RECORD_BUNDLE = `${path.sep}@rrweb${path.sep}record${path.sep}dist${path.sep}record.js`;
/** Where @rrweb/record 2.1.6's canvas code starts (its base64 encoder, used by canvas only) and where it ends. */
const CANVAS_START = '\nvar chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";\n';
const CANVAS_END = '\nclass StylesheetManager {';

/**
 * @rrweb/record without its canvas recording, for the widget's bundle. The widget never records a
 * canvas (`recordCanvas: false`: its pixels may be anything, and the README promises they are not
 * recorded), yet rrweb builds its CanvasManager on every start, so its 2D and WebGL serializers and its
 * inline image worker (about 4 KB gzip) ship with every recorder. They are replaced by a CanvasManager
 * that does nothing, with the methods rrweb calls on it. The markers are checked: another rrweb release
 * that moves them fails the build rather than shipping half a file.
 */
export function rrwebRecordWithoutCanvas() {
  return {
    name: 'rrweb-record-without-canvas',
    transform(code, id) {
      if (!id.endsWith(RECORD_BUNDLE)) return null;
      const start = code.indexOf(CANVAS_START);
      const end = code.indexOf(CANVAS_END);
      const unique = start >= 0 && code.indexOf(CANVAS_START, start + 1) < 0 && end > start && code.indexOf(CANVAS_END, end + 1) < 0;
      if (!unique || !code.slice(start, end).includes('\nclass CanvasManager {')) {
        this.error(`@rrweb/record's canvas code is not where this plugin expects it (${id}); check the markers against this rrweb release`);
      }
      const stub = '\nclass CanvasManager {\n  reset() {}\n  freeze() {}\n  unfreeze() {}\n  lock() {}\n  unlock() {}\n}';
      return { code: code.slice(0, start) + stub + code.slice(end), map: null };
    },
  };
}
