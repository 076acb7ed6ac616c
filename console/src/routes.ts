import { html, type TemplateResult } from 'lit';
import type { PublicUser } from '../../server/src/protocol/events.js';
import './views/apps-view.js';
import './views/activity-view.js';
import './views/sessions-view.js';
import './views/settings-view.js';
import './views/team-view.js';
import './views/account-view.js';
import './replay/replay-view.js';
import './views/conversations-view.js';
import './views/heatmaps-view.js';

/** The console's pages, in navigation order. A view is a custom element in views/; add one line here. */
export interface ConsoleRoute {
  path: string;
  label: string;
  render(user: PublicUser, params: string[]): TemplateResult;
  /** Reached by links only (e.g. a session's replay), not listed in the navigation. */
  hidden?: boolean;
}

export const routes: ConsoleRoute[] = [
  { path: 'apps', label: 'Applications', render: (user) => html`<apps-view .user=${user}></apps-view>` },
  { path: 'activity', label: 'Activity', render: (user) => html`<activity-view .user=${user}></activity-view>` },
  { path: 'conversations', label: 'Conversations', render: (user) => html`<conversations-view .user=${user}></conversations-view>` },
  { path: 'sessions', label: 'Sessions', render: (user) => html`<sessions-view .user=${user}></sessions-view>` },
  { path: 'heatmaps', label: 'Heatmaps', render: (user) => html`<heatmaps-view .user=${user}></heatmaps-view>` },
  { path: 'settings', label: 'Settings', render: (user) => html`<settings-view .user=${user}></settings-view>` },
  { path: 'team', label: 'Team', render: (user) => html`<team-view .user=${user}></team-view>` },
  { path: 'account', label: 'Account', render: (user) => html`<account-view .user=${user}></account-view>` },
  { path: 'replay', label: 'Replay', hidden: true, render: (user, [appId = '', sessionId = '', at = '']) => html`<replay-view app-id=${appId} session-id=${sessionId} at=${at} .viewerRole=${user.role}></replay-view>` },
];

/** `#/apps` → the route, its parameters (`#/sessions/abc` → ['abc']); unknown paths fall back to the first. */
export function matchRoute(hash: string): { route: ConsoleRoute; params: string[] } {
  const [path, ...params] = hash.replace(/^#\/?/, '').split('/');
  return { route: routes.find((route) => route.path === path) ?? routes[0], params };
}
