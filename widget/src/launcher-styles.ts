/**
 * The host and the launcher button: what the first script paints before Lit loads (launcher.ts), and
 * the same rules in the full element (widget-styles.ts), so the launcher does not move when it loads.
 * A plain string (the first script has no Lit `css`), its comments kept out of it (they would ship).
 *
 * The host element is the only part of the widget the page's CSS reaches, and it reaches it with
 * author rules (`body > * { position: relative }`, `* { font-family: …; color: … !important }`).
 * Every property is reset on it, so nothing the page sets is inherited inside, and the box styles the
 * widget needs are `!important`: between two important declarations, the shadow root's wins. The host
 * never blocks the page (`pointer-events: none`): only the launcher and the open panel take pointer
 * events. `.unpainted`: until the application's colour and corner are known, never a wrong launcher
 * that then jumps.
 */
export const launcherCss = `
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
    pointer-events: none !important;
  }
  :host([data-position='left']) {
    inset: auto auto 20px 20px !important;
  }
  button.launcher {
    position: relative;
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
  button.launcher.unpainted {
    visibility: hidden;
  }
  button.launcher:focus-visible {
    outline: 3px solid #111827;
    outline-offset: 3px;
  }
`;
