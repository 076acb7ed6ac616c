import { html, type TemplateResult } from 'lit';
import type { PublicUser } from '../../server/src/protocol/events.js';
import './views/apps-view.js';

/** The console's pages, in navigation order. A view is a custom element in views/; add one line here. */
export interface ConsoleRoute {
  path: string;
  label: string;
  render(user: PublicUser): TemplateResult;
}

export const routes: ConsoleRoute[] = [
  { path: 'apps', label: 'Applications', render: (user) => html`<apps-view .user=${user}></apps-view>` },
];

/** `#/apps` → the route, its parameters (`#/sessions/abc` → ['abc']); unknown paths fall back to the first. */
export function matchRoute(hash: string): { route: ConsoleRoute; params: string[] } {
  const [path, ...params] = hash.replace(/^#\/?/, '').split('/');
  return { route: routes.find((route) => route.path === path) ?? routes[0], params };
}
