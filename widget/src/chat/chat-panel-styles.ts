import { css } from 'lit';

/** The chat panel's look. Colours come from --chatreel-accent (set by the site or the application). */
export const chatPanelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
    font: inherit;
    color: inherit;
    --accent: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 14px;
    background: var(--accent);
    color: #fff;
  }
  h2 {
    flex: 1;
    margin: 0;
    font-size: 16px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  header button {
    font: inherit;
    font-size: 13px;
    color: #fff;
    background: rgb(255 255 255 / 0.15);
    border: 1px solid rgb(255 255 255 / 0.5);
    border-radius: 999px;
    padding: 4px 10px;
    cursor: pointer;
  }
  header .close {
    font-size: 20px;
    line-height: 1;
    width: 32px;
    height: 32px;
    padding: 0;
  }
  button:focus-visible,
  textarea:focus-visible {
    outline: 3px solid #111827;
    outline-offset: 2px;
  }
  .log {
    flex: 1;
    min-height: 120px;
    overflow-y: auto;
    list-style: none;
    margin: 0;
    padding: 12px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .msg {
    max-width: 85%;
    padding: 8px 12px;
    border-radius: 12px;
    background: #f3f4f6;
    overflow-wrap: anywhere;
    align-self: flex-start;
  }
  .msg[data-role='visitor'] {
    align-self: flex-end;
    background: var(--accent);
    color: #fff;
  }
  .msg[data-role='agent'] {
    background: #ecfdf5;
    border: 1px solid #a7f3d0;
  }
  .msg[data-role='system'],
  .divider {
    align-self: center;
    background: none;
    color: #6b7280;
    font-size: 13px;
    text-align: center;
  }
  .msg.earlier {
    opacity: 0.7;
  }
  .msg.pending {
    opacity: 0.7;
  }
  .msg[data-failed='true'] {
    outline: 2px solid #b91c1c;
  }
  .text {
    /* The visitor's line breaks are kept; template whitespace around it is not. */
    white-space: pre-wrap;
  }
  .who {
    display: block;
    font-size: 12px;
    font-weight: 600;
    opacity: 0.75;
  }
  .msg[data-role='visitor'] .who {
    display: none;
  }
  .typing {
    margin: 0 12px;
    display: flex;
    gap: 4px;
  }
  .typing span {
    width: 6px;
    height: 6px;
    border-radius: 50%;
    background: #9ca3af;
    animation: blink 1s infinite alternate;
  }
  .typing span:nth-child(2) {
    animation-delay: 0.2s;
  }
  .typing span:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    to {
      opacity: 0.2;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .typing span {
      animation: none;
    }
  }
  .notice,
  .error {
    margin: 0;
    padding: 0 14px 6px;
    font-size: 13px;
    color: #4b5563;
  }
  .notice:empty {
    display: none;
  }
  /* #4b5563 on white: 7.6:1, readable at this size. */
  .recording-notice {
    margin: 0;
    padding: 6px 14px;
    font-size: 12px;
    color: #4b5563;
    border-bottom: 1px solid #e5e7eb;
  }
  .notice[data-status='offline'],
  .notice[data-status='refused'],
  .error {
    color: #b91c1c;
  }
  form {
    display: flex;
    gap: 8px;
    padding: 10px;
    border-top: 1px solid #e5e7eb;
  }
  textarea {
    flex: 1;
    resize: none;
    /* 16 px: smaller text makes mobile browsers zoom in on focus. */
    font: inherit;
    font-size: 16px;
    padding: 8px 10px;
    border: 1px solid #d1d5db;
    border-radius: 10px;
    max-height: 120px;
  }
  .send {
    font: inherit;
    font-size: 16px;
    border: none;
    border-radius: 10px;
    padding: 0 14px;
    background: var(--accent);
    color: #fff;
    cursor: pointer;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
