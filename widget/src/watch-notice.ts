import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ConnectionController } from './connection-controller.js';

/**
 * Tells the visitor while an agent is viewing their screen live (the server says so with
 * `recording:watched`, and whether the application wants the visitor told).
 */
export class WatchNoticeController implements ReactiveController {
  watched = false;
  private readonly subscribed = new WeakSet<object>();

  constructor(
    private readonly host: ReactiveControllerHost,
    connection: ConnectionController,
  ) {
    host.addController(this);
    connection.onReady((socket) => {
      if (this.subscribed.has(socket)) return;
      this.subscribed.add(socket);
      socket.on('recording:watched', ({ watched, notify }) => {
        this.watched = watched && notify;
        this.host.requestUpdate();
      });
      socket.on('disconnect', () => {
        this.watched = false;
        this.host.requestUpdate();
      });
    });
  }

  hostConnected() {}

  render() {
    return this.watched ? html`<p class="watch-notice" role="status" part="watch-notice">An agent is viewing this page with you.</p>` : nothing;
  }
}

export const watchNoticeStyles = css`
  .watch-notice {
    pointer-events: auto;
    /* Beside the launcher, clear of the open panel above it. */
    position: absolute;
    bottom: 16px;
    right: 66px;
    margin: 0;
    white-space: nowrap;
    font-size: 12px;
    padding: 4px 10px;
    border-radius: 999px;
    background: #111827;
    color: #fff;
  }
`;
