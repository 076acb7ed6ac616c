import { css, html, LitElement } from 'lit';
import type { TeamMember } from '../../../server/src/protocol/activity.js';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import { api, ApiError } from '../api-client.js';
import { activityApi } from '../activity/activity-api.js';

const ROLE_NAMES: Record<TeamMember['role'], string> = { owner: 'Owner', agent: 'Agent' };

/** The owner's team: invite agents, give or take applications, change roles, remove accounts. */
export class TeamView extends LitElement {
  static override properties = {
    user: { attribute: false },
    members: { state: true },
    apps: { state: true },
    created: { state: true },
    error: { state: true },
  };
  declare user: PublicUser | undefined;
  declare members: TeamMember[] | undefined;
  declare apps: PublicApp[];
  /** The account just invited, with its password: shown this once. */
  declare created: { email: string; password: string } | undefined;
  declare error: string;

  constructor() {
    super();
    this.apps = [];
    this.error = '';
  }

  static override styles = css`
    :host { display: block; max-width: 980px; margin: 0 auto; padding: 24px; }
    h1 { margin: 0 0 16px; font-size: 22px; }
    h2 { margin: 0 0 8px; font-size: 16px; }
    .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; margin-bottom: 16px; }
    table { width: 100%; border-collapse: collapse; font-size: 14px; }
    th { text-align: left; font-size: 12px; text-transform: uppercase; color: #6b7280; padding: 8px; border-bottom: 1px solid #e5e7eb; }
    td { padding: 10px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
    label { display: inline-flex; align-items: center; gap: 6px; margin: 0 12px 4px 0; }
    .field { display: block; font-weight: 600; margin: 10px 0 4px; }
    select { font: inherit; padding: 4px 8px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; }
    input[type='email'], input[type='text'] { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; border: 1px solid #d1d5db; border-radius: 8px; }
    button { font: inherit; font-weight: 600; padding: 6px 12px; border-radius: 8px; cursor: pointer; border: 1px solid #d1d5db; background: #fff; }
    button.primary { color: #fff; background: #4f46e5; border-color: #4f46e5; margin-top: 12px; }
    button.danger { color: #b91c1c; border-color: #fecaca; }
    .once { background: #fef3c7; border-radius: 8px; padding: 12px; margin-top: 12px; }
    code { font-size: 15px; background: #fff; padding: 2px 6px; border-radius: 4px; }
    .error { color: #b91c1c; }
    .muted { color: #6b7280; }
    /* Phones: the members table scrolls inside its card. */
    section.card:has(> table) { overflow-x: auto; }
    @media (max-width: 640px) { :host { padding: 12px; } .card { padding: 12px; } }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    if (this.user?.role !== 'owner') return;
    try {
      const [{ members }, { apps }] = await Promise.all([activityApi.team(), api.listApps()]);
      this.members = members;
      this.apps = apps;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not load the team.';
    }
  }

  override render() {
    if (this.user?.role !== 'owner') return html`<h1>Team</h1><p class="muted">Only an owner can manage the team.</p>`;
    return html`<h1>Team</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <section class="card">
        <table>
          <thead><tr><th scope="col">Account</th><th scope="col">Role</th><th scope="col">Applications</th><th scope="col"></th></tr></thead>
          <tbody>${(this.members ?? []).map((member) => this.renderMember(member))}</tbody>
        </table>
      </section>
      ${this.renderInvite()}`;
  }

  private renderMember(member: TeamMember) {
    const self = member.id === this.user?.id;
    return html`<tr data-member=${member.email}>
      <td>${member.email}${self ? html` <span class="muted">(you)</span>` : ''}</td>
      <td>
        ${self
          ? ROLE_NAMES[member.role]
          : html`<select aria-label="Role of ${member.email}" @change=${(e: Event) => this.setRole(member, (e.target as HTMLSelectElement).value as TeamMember['role'])}>
              ${(['agent', 'owner'] as const).map((role) => html`<option value=${role} ?selected=${member.role === role}>${ROLE_NAMES[role]}</option>`)}
            </select>`}
      </td>
      <td>
        ${this.apps.map(
          (app) => html`<label
            ><input
              type="checkbox"
              .checked=${member.appIds.includes(app.id)}
              ?disabled=${self}
              @change=${(e: Event) => this.setMembership(member, app, (e.target as HTMLInputElement).checked)}
            />${app.name}</label
          >`,
        )}
      </td>
      <td>${self ? '' : html`<button type="button" class="danger" @click=${() => this.removeMember(member)}>Remove</button>`}</td>
    </tr>`;
  }

  private renderInvite() {
    return html`<form class="card" @submit=${this.invite}>
      <h2>Invite an agent</h2>
      <label class="field" for="email">Email</label>
      <input id="email" name="email" type="email" required />
      <label class="field" for="password">Password (leave empty to generate one)</label>
      <input id="password" name="password" type="text" minlength="10" autocomplete="new-password" />
      <div class="field">Applications</div>
      ${this.apps.map((app) => html`<label><input type="checkbox" name="appIds" value=${app.id} checked />${app.name}</label>`)}
      <!-- Until the applications have loaded there is nothing to tick: an agent created then would see nothing. -->
      <div><button class="primary" type="submit" ?disabled=${this.members === undefined}>Create agent account</button></div>
      ${this.created
        ? html`<div class="once" role="status">
            Account <strong>${this.created.email}</strong> created. Password: <code>${this.created.password}</code><br />
            Give it to them now: it is not shown again.
          </div>`
        : ''}
    </form>`;
  }

  private async invite(event: SubmitEvent) {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    try {
      const { member, password } = await activityApi.invite(
        String(form.get('email') ?? ''),
        form.getAll('appIds').map(String),
        String(form.get('password') ?? '') || undefined,
      );
      this.members = [...(this.members ?? []), member];
      this.created = { email: member.email, password };
      this.error = '';
      formElement.reset();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not create the account.';
    }
  }

  private async setMembership(member: TeamMember, app: PublicApp, give: boolean) {
    try {
      const { member: updated } = await activityApi.setMembership(member.id, app.id, give);
      this.members = (this.members ?? []).map((m) => (m.id === updated.id ? updated : m));
      this.error = '';
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not change the membership.';
    }
  }

  private async setRole(member: TeamMember, role: TeamMember['role']) {
    try {
      const { member: updated } = await activityApi.setRole(member.id, role);
      this.members = (this.members ?? []).map((m) => (m.id === updated.id ? updated : m));
      this.error = '';
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not change the role.';
    }
  }

  private async removeMember(member: TeamMember) {
    if (!confirm(`Remove ${member.email}? They are signed out at once.`)) return;
    try {
      await activityApi.removeMember(member.id);
      this.members = (this.members ?? []).filter((m) => m.id !== member.id);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not remove the account.';
    }
  }
}
customElements.define('team-view', TeamView);
