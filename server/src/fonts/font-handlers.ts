import type { Logger } from 'pino';
import { assertMayRecord } from '../consent/consent-handlers.js';
import { validate } from '../http/validate.js';
import { fontsMissingSchema, fontStoreSchema } from '../protocol/font-schemas.js';
import { ownSession } from '../realtime/own-session.js';
import { commandHandler, type VisitorSocket } from '../realtime/visitor-namespace.js';
import type { Repositories } from '../storage/ports.js';
import type { FontService } from './font-service.js';

/**
 * `fonts:missing` and `fonts:store` on a visitor socket, for its own session only (own-session.ts), and
 * only while it may be recorded (consent, issue 22): the fonts are part of what the recording takes.
 */
export function registerFontHandlers(socket: VisitorSocket, deps: { repos: Repositories; fonts: FontService; logger: Logger }): void {
  const { repos, fonts, logger } = deps;
  const handle = commandHandler(socket, logger);

  handle('fonts:missing', async (payload) => {
    assertMayRecord(socket);
    const session = await ownSession(socket, repos, payload);
    const { hashes } = validate(fontsMissingSchema, payload);
    return { missing: await fonts.missing(session, hashes) };
  });

  handle('fonts:store', async (payload) => {
    assertMayRecord(socket);
    const session = await ownSession(socket, repos, payload);
    const { sha256, data } = validate(fontStoreSchema, payload);
    return fonts.store(session, sha256, data);
  });
}
