import { css } from 'lit';

export const replayStyles = css`
  :host { position: fixed; inset: 0; z-index: 20; display: flex; flex-direction: column; background: #0f172a; color: #e5e7eb; font: 14px/1.45 system-ui, sans-serif; }
  header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #111827; border-bottom: 1px solid #1f2937; }
  header h1 { font-size: 15px; margin: 0; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 50vw; }
  header .spacer { flex: 1; }
  a.back, header button { color: #e5e7eb; background: transparent; border: 1px solid #374151; border-radius: 6px; padding: 4px 10px; font: inherit; cursor: pointer; text-decoration: none; }
  .live-badge { background: #dc2626; color: #fff; font-weight: 700; font-size: 12px; letter-spacing: 0.08em; padding: 2px 8px; border-radius: 4px; }
  .live-badge::before { content: '● '; }
  .progress { display: flex; align-items: center; gap: 8px; font-size: 12px; color: #9ca3af; }
  .progress progress { width: 160px; height: 8px; }
  .body { flex: 1; display: flex; min-height: 0; }
  .stage { flex: 1; position: relative; min-width: 0; display: flex; align-items: center; justify-content: center; background: #0b1120; }
  .stage .notice { position: absolute; color: #9ca3af; }
  .stage .rr-player { box-shadow: none; background: #fff; }
  /* Two parts, each scrolling on its own: the details (at most half the height) and the conversation below. */
  aside { width: 340px; flex: none; display: flex; flex-direction: column; min-height: 0; background: #111827; border-left: 1px solid #1f2937; }
  aside .details { flex: 0 1 auto; max-height: 50%; min-height: 0; overflow-y: auto; padding: 12px 16px; }
  aside .conversation { flex: 1 1 0; min-height: 0; overflow-y: auto; padding: 0 16px 12px; border-top: 1px solid #1f2937; }
  aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: #9ca3af; margin: 16px 0 8px; }
  insights-panel { margin-bottom: 16px; padding-bottom: 12px; border-bottom: 1px solid #1f2937; }
  .facts { display: grid; grid-template-columns: 96px 1fr; gap: 4px 8px; margin: 0; }
  .facts dt { color: #9ca3af; }
  .facts dd { margin: 0; overflow-wrap: anywhere; }
  .pages { margin: 0; padding-left: 18px; }
  .ua { font-size: 12px; color: #d1d5db; }
  .transcript { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
  .message button { all: unset; box-sizing: border-box; display: block; width: 100%; padding: 6px 8px; border-radius: 8px; background: #1f2937; cursor: pointer; }
  .message.visitor button { background: #1e3a8a; }
  .message.agent button { background: #065f46; }
  .message[aria-current='true'] button { outline: 2px solid #f59e0b; }
  .message .meta { display: block; font-size: 12px; color: #9ca3af; }
  .message .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .muted { color: #9ca3af; }
  .takeover { margin-top: 12px; display: flex; flex-direction: column; gap: 6px; }
  .takeover textarea { font: inherit; border-radius: 6px; padding: 6px; min-height: 56px; }
  .takeover button { font: inherit; padding: 6px 10px; border-radius: 6px; border: 0; background: #4f46e5; color: #fff; cursor: pointer; }
  [role='alert'] { color: #fca5a5; }
`;
