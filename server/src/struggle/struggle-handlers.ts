import { assertMayRecord } from '../consent/consent-handlers.js';
import { validate } from '../http/validate.js';
import { helpOfferAnswerSchema, struggleReportSchema } from '../protocol/schemas.js';
import type { commandHandler, VisitorSocket } from '../realtime/visitor-namespace.js';
import type { StruggleService } from './struggle-service.js';

/** The widget's struggle commands (issue 21), on the visitor's connection: about its own session only. */
export function registerStruggleHandlers(socket: VisitorSocket, handle: ReturnType<typeof commandHandler>, struggles: StruggleService): void {
  // What the visitor does is reported only where it may be recorded (consent, issue 22).
  handle('struggle:report', async (payload) => {
    assertMayRecord(socket);
    return struggles.report(socket.data.app, socket.data.sessionId, validate(struggleReportSchema, payload));
  });
  handle('struggle:help', async (payload) => struggles.answer(socket.data.sessionId, validate(helpOfferAnswerSchema, payload).outcome));
}
