import { css } from 'lit';

/** The Conversations page's styles: its list, views, transcript, composer and actions (conversation-actions.ts). */
export const conversationsStyles = css`
    :host { display: block; padding: 20px 24px; }
    .top { display: flex; align-items: center; gap: 16px; margin-bottom: 16px; }
    h1 { font-size: 22px; margin: 0; }
    .layout { display: grid; grid-template-columns: minmax(220px, 320px) 1fr; gap: 16px; align-items: start; }
    ul.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
    ul.list button { width: 100%; text-align: left; font: inherit; padding: 10px; border: 1px solid #e5e7eb; border-radius: 10px; background: #fff; cursor: pointer; }
    ul.list button[aria-current='true'] { border-color: #4f46e5; box-shadow: 0 0 0 2px #c7d2fe; }
    .badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px; background: #e5e7eb; }
    .badge[data-state='waiting'] { background: #fef3c7; color: #92400e; }
    .badge[data-state='human'], .badge[data-status='assigned'] { background: #d1fae5; color: #065f46; }
    .badge[data-status='waiting'] { background: #fef3c7; color: #92400e; }
    .badge[data-status='resolved'] { background: #e0e7ff; color: #3730a3; }
    [role='tablist'] { display: flex; gap: 4px; margin-bottom: 10px; flex-wrap: wrap; }
    [role='tab'] { font: inherit; font-size: 13px; border: 1px solid #d1d5db; background: #fff; border-radius: 999px; padding: 3px 9px; cursor: pointer; }
    [role='tab'][aria-selected='true'] { background: #4f46e5; border-color: #4f46e5; color: #fff; }
    .actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .actions select, .actions button { font: inherit; font-size: 13px; }
    button.secondary { border: 1px solid #d1d5db; background: #fff; border-radius: 8px; padding: 6px 10px; cursor: pointer; }
    .assignee { font-size: 13px; color: #4b5563; }
    .unread { float: right; min-width: 20px; padding: 0 6px; border-radius: 999px; background: #dc2626; color: #fff; font-size: 12px; font-weight: 700; text-align: center; }
    .badge.struggling { background: #ea580c; color: #fff; }
    .preview { display: block; color: #4b5563; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    section.transcript { border: 1px solid #e5e7eb; border-radius: 12px; background: #fff; display: flex; flex-direction: column; min-height: 420px; }
    .head { display: flex; align-items: center; gap: 12px; padding: 10px 14px; border-bottom: 1px solid #e5e7eb; }
    .head h2 { font-size: 16px; margin: 0; flex: 1; }
    ol { list-style: none; margin: 0; padding: 12px; flex: 1; display: flex; flex-direction: column; gap: 8px; overflow-y: auto; max-height: 60vh; }
    li.msg { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 12px; border-radius: 10px; background: #f3f4f6; max-width: 80%; }
    li.msg[data-role='agent'], li.msg[data-role='ai'] { align-self: flex-end; background: #eef2ff; }
    li.msg[data-role='system'] { align-self: center; background: none; color: #6b7280; font-size: 13px; }
    li.msg[data-role='note'] { align-self: flex-end; background: #fef9c3; border: 1px dashed #ca8a04; }
    .who { display: block; font-size: 12px; font-weight: 600; color: #6b7280; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e5e7eb; }
    textarea { flex: 1; font: inherit; padding: 8px; border: 1px solid #d1d5db; border-radius: 8px; resize: vertical; }
    button.primary { font: inherit; border: none; border-radius: 8px; padding: 8px 14px; background: #4f46e5; color: #fff; cursor: pointer; }
    .empty { color: #6b7280; }
    .error { color: #b91c1c; }
    .feedback { display: flex; flex-wrap: wrap; gap: 8px 14px; padding: 6px 14px; border-bottom: 1px solid #e5e7eb; font-size: 13px; }
    .typing-note { margin: 0; padding: 0 14px 6px; font-size: 13px; color: #4b5563; }
    .back { display: none; }
    /* Phones (issue 18): one column; an open conversation takes the screen, its reply box in reach. */
    @media (max-width: 640px) {
      :host { padding: 12px; }
      .top { flex-wrap: wrap; gap: 8px; }
      .layout { grid-template-columns: minmax(0, 1fr); }
      .layout[data-open] > nav { display: none; }
      .back { display: inline-block; font: inherit; background: none; border: 1px solid #d1d5db; border-radius: 8px; padding: 4px 10px; cursor: pointer; }
      section.transcript { min-height: 0; }
      .head { flex-wrap: wrap; }
      ol { max-height: none; }
      li.msg { max-width: 92%; }
      form { position: sticky; bottom: 0; background: #fff; border-radius: 0 0 12px 12px; flex-wrap: wrap; }
      form textarea { flex-basis: 100%; }
      textarea { font-size: 16px; min-width: 0; }
    }
  `;
