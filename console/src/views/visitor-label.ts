import { css, html, LitElement, nothing } from 'lit';

/**
 * A visitor's name as agents see it, with a "Verified" badge only when the server says the site's
 * backend vouched for the identity (`identityVerified`, an HMAC check). The name is whatever the
 * page claimed, shown as plain text; the badge is its own element, so no name can put one there.
 */
export class VisitorLabel extends LitElement {
  static override properties = { name: {}, visitorId: { attribute: 'visitor-id' }, verified: { type: Boolean } };
  declare name: string;
  declare visitorId: string;
  declare verified: boolean;

  constructor() {
    super();
    this.name = '';
    this.visitorId = '';
    this.verified = false;
  }

  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 6px; min-width: 0; }
    .name { font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .verified { display: inline-flex; align-items: center; gap: 3px; flex: none; font-size: 11px; font-weight: 700; line-height: 1;
      padding: 3px 7px 3px 5px; border-radius: 999px; color: #fff; background: #047857; }
    svg { width: 10px; height: 10px; }
  `;

  override render() {
    return html`<span class="name">${this.name || `Visitor ${this.visitorId.slice(0, 8)}`}</span>${this.verified
        ? html`<span class="verified" title="Identity verified by your site (identify with userHash)"
            ><svg viewBox="0 0 12 12" aria-hidden="true"><path d="M2 6.5 5 9.5 10 3" fill="none" stroke="currentColor" stroke-width="2" /></svg
            >Verified</span
          >`
        : nothing}`;
  }
}

if (!customElements.get('visitor-label')) customElements.define('visitor-label', VisitorLabel);
