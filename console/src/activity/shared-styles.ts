import { css } from 'lit';

/** Looks shared by the Sessions page and the Activity tab. */
export const activityStyles = css`
  :host { --accent: #4f46e5; --muted: #6b7280; --line: #e5e7eb; color: #111827; }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; }
  .badge { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 600; padding: 2px 10px; border-radius: 999px; white-space: nowrap; }
  .badge.active { color: #065f46; background: #d1fae5; }
  .badge.active::before { content: ''; width: 7px; height: 7px; border-radius: 50%; background: #10b981; }
  .badge.completed { color: #374151; background: #f3f4f6; }
  .badge.ai { color: #3730a3; background: #e0e7ff; }
  .badge.agent { color: #9a3412; background: #ffedd5; }
  .badge.waiting { color: #92400e; background: #fef3c7; }
  .muted { color: var(--muted); }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
  .no-replay { color: var(--muted); font-size: 12px; font-style: italic; }
`;
