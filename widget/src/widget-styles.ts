import { css } from 'lit';

/** The launcher and the panel's frame (the conversation inside has its own, chat/chat-panel-styles.ts). */
export const widgetStyles = css`
  /*
   * The host element is the only part of the widget the page's CSS reaches, and it reaches it with
   * author rules (\`body > * { position: relative }\`, \`* { font-family: …; color: … !important }\`).
   * Every property is reset here, so nothing the page sets is inherited inside, and the box styles the
   * widget needs are \`!important\`: between two important declarations, the shadow root's wins.
   */
  :host {
    all: initial !important;
    display: block !important;
    position: fixed !important;
    inset: auto 20px 20px auto !important;
    width: auto !important;
    height: auto !important;
    margin: 0 !important;
    padding: 0 !important;
    border: 0 !important;
    background: none !important;
    overflow: visible !important;
    z-index: 2147483000 !important;
    font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif !important;
    color: #111827 !important;
    text-align: left !important;
    /* Never block the page: only the launcher and the open panel take pointer events. */
    pointer-events: none !important;
  }
  :host([data-position='left']) {
    inset: auto auto 20px 20px !important;
  }
  button.launcher {
    pointer-events: auto;
    width: 56px;
    height: 56px;
    border-radius: 50%;
    border: none;
    background: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
    color: #fff;
    cursor: pointer;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.25);
    display: grid;
    place-items: center;
  }
  button.launcher {
    position: relative;
  }
  /* Replies that arrived while the chat was closed (issue 18). */
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    box-sizing: border-box;
    border-radius: 10px;
    background: #dc2626;
    color: #fff;
    border: 2px solid #fff;
    font: 700 11px/16px system-ui, sans-serif;
    text-align: center;
  }
  /* Until the application's colour and corner are known: never a wrong launcher that then jumps. */
  button.launcher.unpainted {
    visibility: hidden;
  }
  button.launcher:focus-visible {
    outline: 3px solid #111827;
    outline-offset: 3px;
  }
  .panel {
    pointer-events: auto;
    position: absolute;
    bottom: 72px;
    right: 0;
    width: 360px;
    height: min(560px, 70vh);
    display: flex;
    flex-direction: column;
    background: #fff;
    border-radius: 14px;
    box-shadow: 0 10px 40px rgb(0 0 0 / 0.25);
    overflow: hidden;
    box-sizing: border-box;
  }
  :host([data-position='left']) .panel {
    right: auto;
    left: 0;
  }
  .panel[hidden] {
    display: none;
  }
  chatreel-chat-panel {
    flex: 1;
    min-height: 0;
  }
  /* Narrow screens: the open chat takes the whole screen. */
  @media (max-width: 639px) {
    .panel {
      position: fixed;
      inset: 0;
      width: auto;
      height: auto;
      border-radius: 0;
    }
    :host([open]) button.launcher {
      display: none;
    }
  }
  .status {
    font-size: 13px;
    color: #4b5563;
    margin: 0;
    padding: 12px 14px;
  }
  .status[data-status='refused'],
  .status[data-status='offline'] {
    color: #b91c1c;
  }
`;
