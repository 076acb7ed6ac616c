import { css } from 'lit';

/** The replay's devtools panel: a drawer under the player, in the replay's dark colours. */
export const devtoolsStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; color: #e5e7eb; font: 13px/1.4 system-ui, sans-serif; }
  header { display: flex; align-items: center; gap: 12px; padding: 6px 12px; border-bottom: 1px solid #1f2937; flex: none; }
  label { color: #9ca3af; display: flex; align-items: center; gap: 6px; }
  select { font: inherit; background: #1f2937; color: #e5e7eb; border: 1px solid #374151; border-radius: 6px; padding: 2px 6px; }
  .rows { flex: 1; min-height: 0; overflow-y: auto; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
  ol { list-style: none; margin: 0; padding: 0; }
  li button { all: unset; box-sizing: border-box; display: grid; width: 100%; gap: 8px; align-items: baseline; padding: 3px 12px; border-bottom: 1px solid #1f2937; cursor: pointer; }
  li button:disabled { cursor: default; }
  li button:hover:not(:disabled), li button:focus-visible { background: #1f2937; }
  li[data-level] button { grid-template-columns: 36px 40px minmax(0, 1fr); }
  li[data-failed] button { grid-template-columns: 36px 48px minmax(0, 1fr) auto; row-gap: 0; }
  .meta { grid-column: 3 / -1; color: #9ca3af; font-size: 11px; }
  .meta span + span:not(:empty)::before { content: '· '; }
  li[aria-current='true'] button { background: #1e293b; box-shadow: inset 3px 0 0 #f59e0b; }
  time { color: #6b7280; }
  .text, .url { white-space: pre-wrap; overflow-wrap: anywhere; }
  .url { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .level, .method { text-transform: uppercase; font-size: 11px; color: #9ca3af; }
  li[data-level='warn'] button { background: #2b2410; color: #fde68a; }
  li[data-level='error'] button { background: #2a1215; color: #fca5a5; }
  li[data-level='warn'][aria-current='true'] button, li[data-level='error'][aria-current='true'] button { box-shadow: inset 3px 0 0 #f59e0b; filter: brightness(1.25); }
  li[data-failed='true'] .status { color: #f87171; font-weight: 700; }
  .status { text-align: right; color: #d1d5db; }
  .empty { color: #9ca3af; padding: 8px 12px; margin: 0; font-family: system-ui, sans-serif; }
`;
