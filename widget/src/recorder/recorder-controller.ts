import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorSession } from '../../../server/src/protocol/events.js';
import type { ConnectionController } from '../connection-controller.js';
import type { HelpHost } from './page-extras.js';
import type { Recording } from './recording.js';

/**
 * Records the page while a chat session is under way: starts on the session's start or resume (each
 * page begins with a full snapshot), stops when it ends. rrweb and the outbox live in a chunk that is
 * imported only then, so a page that never chats loads none of it.
 */
export class RecorderController implements ReactiveController {
  private recording: Recording | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HelpHost & { server: string },
    private readonly connection: ConnectionController,
  ) {
    host.addController(this);
    connection.onSession((session) => void this.follow(session));
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.recording?.stop();
    this.recording = undefined;
  }

  private async follow(session: VisitorSession | null): Promise<void> {
    await this.starting;
    if (!session || session.status !== 'active') {
      this.recording?.stop();
      this.recording = undefined;
      return;
    }
    // The same session on the same socket again (a reconnection resumed it): carry on, deliver what waited.
    if (this.recording?.sessionId === session.id && this.recording.socket === this.connection.socket) return this.recording.reconnected();
    this.recording?.stop();
    this.recording = undefined;
    this.starting = this.start(session.id).finally(() => (this.starting = undefined));
  }

  /**
   * The site gave or revoked consent (issue 22). Revoking stops at once and drops what waits unsent;
   * the server, told next, refuses anything of this connection after it. Giving tells the server
   * first, then starts recording a session under way.
   */
  async consentChanged(consent: boolean): Promise<void> {
    const declared = this.connection.declareConsent(consent);
    if (!consent) {
      this.recording?.discard();
      this.recording = undefined;
    }
    await declared;
    if (consent && this.connection.session) await this.follow(this.connection.session);
  }

  private async start(sessionId: string): Promise<void> {
    const socket = this.connection.socket;
    // Without consent (or with a privacy signal the application respects) not even the recorder's code loads.
    if (!socket || !this.connection.mayRecord) return;
    try {
      // The console and network capture (when the application records them) loads beside the recorder,
      // not after it: what the page logs while the recorder starts is then not missed.
      const recording = this.connection.settings?.recording;
      if (recording?.captureConsole || recording?.captureNetwork) import('./devtools-capture.js').catch(() => undefined);
      const { startRecording } = await import('./recording.js');
      this.recording = await startRecording({
        socket,
        sessionId,
        server: this.host.server || location.origin,
        settings: this.connection.settings?.recording,
        help: this.connection.settings?.help,
        widget: this.host,
      });
      // Consent revoked while the recorder was loading.
      if (!this.connection.mayRecord) this.recording = void this.recording.discard();
    } catch {
      // Recording is best effort: the chat goes on without it (old browser, chunk not reachable).
      this.recording = undefined;
    }
  }
}
