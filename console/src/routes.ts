import { html, type TemplateResult } from 'lit';
import type { PublicUser } from '../../server/src/protocol/events.js';

/**
 * The console's pages, in navigation order. A view is a custom element in views/; add one line here.
 * Each view's code is its own chunk, loaded when its page is first shown (the shell draws the page
 * once it is in): the console's first script carries none of them (issue 20: a replay needs neither chart.js nor the
 * other pages).
 */
export interface ConsoleRoute {
  path: string;
  label: string;
  /** Defines the view's element. */
  load(): Promise<unknown>;
  render(user: PublicUser, params: string[]): TemplateResult;
  /** Reached by links only (e.g. a session's replay), not listed in the navigation. */
  hidden?: boolean;
}

export const routes: ConsoleRoute[] = [
  { path: 'apps', label: 'Applications', load: () => import('./views/apps-view.js'), render: (user) => html`<apps-view .user=${user}></apps-view>` },
  { path: 'activity', label: 'Activity', load: () => import('./views/activity-view.js'), render: (user) => html`<activity-view .user=${user}></activity-view>` },
  { path: 'conversations', label: 'Conversations', load: () => import('./views/conversations-view.js'), render: (user) => html`<conversations-view .user=${user}></conversations-view>` },
  { path: 'sessions', label: 'Sessions', load: () => import('./views/sessions-view.js'), render: (user) => html`<sessions-view .user=${user}></sessions-view>` },
  { path: 'heatmaps', label: 'Heatmaps', load: () => import('./views/heatmaps-view.js'), render: (user) => html`<heatmaps-view .user=${user}></heatmaps-view>` },
  { path: 'settings', label: 'Settings', load: () => import('./views/settings-view.js'), render: (user) => html`<settings-view .user=${user}></settings-view>` },
  { path: 'team', label: 'Team', load: () => import('./views/team-view.js'), render: (user) => html`<team-view .user=${user}></team-view>` },
  { path: 'account', label: 'Account', load: () => import('./views/account-view.js'), render: (user) => html`<account-view .user=${user}></account-view>` },
  { path: 'replay', label: 'Replay', hidden: true, load: () => import('./replay/replay-view.js'), render: (user, [appId = '', sessionId = '', at = '']) => html`<replay-view app-id=${appId} session-id=${sessionId} at=${at} .viewerRole=${user.role}></replay-view>` },
];

/** `#/apps` → the route, its parameters (`#/sessions/abc` → ['abc']); unknown paths fall back to the first. */
export function matchRoute(hash: string): { route: ConsoleRoute; params: string[] } {
  const [path, ...params] = hash.replace(/^#\/?/, '').split('/');
  return { route: routes.find((route) => route.path === path) ?? routes[0], params };
}
