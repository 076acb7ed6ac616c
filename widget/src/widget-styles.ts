import { css, unsafeCSS } from 'lit';
import { launcherCss } from './launcher-styles.js';

/** The host and the launcher (launcher-styles.ts), the badge and the panel's frame (the conversation inside has its own, chat/chat-panel-styles.ts). */
export const widgetStyles = [
  unsafeCSS(launcherCss),
  css`
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
  `,
];
