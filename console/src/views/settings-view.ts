import { css, html, LitElement } from 'lit';
import type { AppStorage, PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import type { AiStatus } from '../../../server/src/protocol/ai-status.js';
import { ApiError, request } from '../api-client.js';
import { activityApi } from '../activity/activity-api.js';
import '../activity/app-picker.js';
import './api-tokens-panel.js';
import '../webhooks/webhook-endpoints.js';

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

const gigabytes = (bytes: number) => (bytes / 1_000_000_000).toFixed(2);

/** A random identity-verification secret, made in the browser (never sent anywhere but the server). */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An application's settings (owners edit; agents read). Saved settings apply to the next widget connection. */
export class SettingsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    storage: { state: true },
    status: { state: true },
    error: { state: true },
    aiStatus: { state: true },
  };
  declare user: PublicUser | undefined;
  /** Whether AI answers work on this server (key, model): the same for every application. */
  declare aiStatus: AiStatus | undefined;
  declare app: PublicApp | undefined;
  /** The application's stored recording bytes against its quota; shown beside the quota setting. */
  declare storage: AppStorage | undefined;
  declare status: string;
  declare error: string;

  constructor() {
    super();
    this.status = '';
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    request<{ ai: AiStatus }>('GET', '/ai/status').then(
      ({ ai }) => (this.aiStatus = ai),
      () => (this.aiStatus = undefined),
    );
  }

  static override styles = css`
    :host { display: block; max-width: 880px; margin: 0 auto; padding: 24px; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 16px; margin-bottom: 16px; }
    h1 { margin: 0; font-size: 22px; }
    fieldset { min-width: 0; background: #fff; border: 0; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; margin: 0 0 16px; }
    legend { font-weight: 700; font-size: 16px; padding: 0; float: left; width: 100%; margin-bottom: 8px; }
    label { display: block; font-weight: 600; font-size: 14px; margin: 12px 0 4px; clear: both; }
    label.inline { display: flex; align-items: center; gap: 8px; font-weight: 500; }
    input:not([type='checkbox']):not([type='color']), select, textarea { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; border: 1px solid #d1d5db; border-radius: 8px; }
    textarea { min-height: 72px; resize: vertical; }
    .hint { color: #6b7280; font-size: 13px; margin: 4px 0 0; }
    .row { display: flex; gap: 8px; align-items: center; }
    pre { background: #111827; color: #e5e7eb; padding: 12px; border-radius: 8px; overflow-x: auto; font-size: 13px; margin: 8px 0; }
    button { font: inherit; font-weight: 600; padding: 8px 14px; border-radius: 8px; cursor: pointer; border: 1px solid #d1d5db; background: #fff; }
    button.primary { color: #fff; background: #4f46e5; border-color: #4f46e5; }
    .actions { position: sticky; bottom: 0; background: #f3f4f6; padding: 12px 0; display: flex; gap: 12px; align-items: center; }
    .error { color: #b91c1c; }
    .ai-status { clear: both; margin: 0 0 8px; padding: 8px 12px; border-radius: 8px; background: #ecfdf5; color: #065f46; font-size: 14px; }
    .ai-status[data-state='off'] { background: #f3f4f6; color: #374151; }
    .ai-status[data-state='deprecated'] { background: #fffbeb; color: #92400e; }
    .ai-status[data-state='retired'],
    .ai-status[data-state='unavailable'] { background: #fef2f2; color: #b91c1c; font-weight: 600; }
    .ok { color: #047857; }
  `;

  override render() {
    const app = this.app;
    const readOnly = this.user?.role !== 'owner';
    return html`<div class="head">
        <h1>Settings</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => ((this.app = e.detail.app), (this.status = ''))}></app-picker>
      </div>
      ${readOnly ? html`<p class="hint">Only an owner can change settings.</p>` : ''}
      ${app ? this.renderForm(app, readOnly) : ''}
      ${app && !readOnly ? html`<api-tokens-panel .app=${app}></api-tokens-panel>` : ''}
      ${app && !readOnly ? html`<webhook-endpoints .appId=${app.id}></webhook-endpoints>` : ''}`;
  }

  private renderForm(app: PublicApp, readOnly: boolean) {
    const s = app.settings;
    const snippet = `<script type="module" src="${location.origin}/widget.js" data-key="${app.publicKey}"></script>`;
    return html`<form @submit=${this.save}>
      <fieldset ?disabled=${readOnly}>
        <legend>Install</legend>
        <p class="hint">Add this line to every page of your site, before &lt;/body&gt;:</p>
        <pre>${snippet}</pre>
        <button type="button" @click=${() => this.copy(snippet)}>Copy snippet</button>
        <label for="origins">Allowed origins (one per line)</label>
        <textarea id="origins" name="origins" placeholder="https://www.example.com">${app.allowedOrigins.join('\n')}</textarea>
        <p class="hint">Only pages from these origins may use the widget key${app.demo ? ' (the demo site on this server is always allowed)' : ''}.</p>
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Appearance</legend>
        <label for="color">Colour</label>
        <input id="color" name="color" type="color" .value=${s.color} />
        <label for="position">Position</label>
        <select id="position" name="position">
          <option value="right" ?selected=${s.position === 'right'}>Bottom right</option>
          <option value="left" ?selected=${s.position === 'left'}>Bottom left</option>
        </select>
        <label for="greeting">Greeting</label>
        <input id="greeting" name="greeting" maxlength="300" .value=${s.greeting} />
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Recording and privacy</legend>
        <label for="startOn">Recording starts</label>
        <select id="startOn" name="startOn">
          <option value="first-message" ?selected=${s.recording.startOn === 'first-message'}>When the visitor sends a first message</option>
          <option value="open" ?selected=${s.recording.startOn === 'open'}>When the visitor opens the chat</option>
        </select>
        <label class="inline"><input type="checkbox" name="maskAllInputs" ?checked=${s.recording.maskAllInputs} /> Mask every input field</label>
        <label for="blockSelectors">Extra selectors to block (one per line)</label>
        <textarea id="blockSelectors" name="blockSelectors" placeholder=".card-number">${s.recording.blockSelectors.join('\n')}</textarea>
        <label for="maskSelectors">Extra selectors to mask (one per line)</label>
        <textarea id="maskSelectors" name="maskSelectors" placeholder=".address">${s.recording.maskSelectors.join('\n')}</textarea>
        <label class="inline"><input type="checkbox" name="captureConsole" ?checked=${s.recording.captureConsole} /> Record the page's console messages</label>
        <label class="inline"><input type="checkbox" name="captureNetwork" ?checked=${s.recording.captureNetwork} /> Record the page's network requests</label>
        <label class="inline"><input type="checkbox" name="keepQueryValues" ?checked=${s.recording.keepQueryValues} /> Keep query values in recorded request URLs</label>
        <p class="hint">Shown in the replay's devtools. Requests keep their method, URL, status, duration and size, never headers or bodies; query values are masked unless kept. Console messages are cut short, and masked field values are starred in them.</p>
        <label class="inline"><input type="checkbox" name="notifyWhenWatched" ?checked=${s.privacy.notifyWhenWatched} /> Tell visitors when an agent watches live</label>
        <label for="retentionDays">Keep sessions for (days)</label>
        <input id="retentionDays" name="retentionDays" type="number" min="1" max="3650" .value=${String(s.retentionDays)} />
        <label for="storageQuotaGb">Recording storage quota (GB)</label>
        <input id="storageQuotaGb" name="storageQuotaGb" type="number" min="1" max="100000" .value=${String(s.storageQuotaGb)} />
        <p class="hint" data-testid="storage-usage">
          ${this.storage ? `${gigabytes(this.storage.usedBytes)} GB stored of ${s.storageQuotaGb} GB. ` : ''}Past the quota, new recordings stop; chats go on.
        </p>
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Consent</legend>
        <label class="inline"><input type="checkbox" name="consentRequired" ?checked=${s.consent.required} /> Record only after the site gives consent</label>
        <p class="hint">Your page calls <code>Chatreel.consent(true)</code> (or the script tag says <code>data-consent="true"</code>); the chat works without it. Chatreel's server refuses recordings without it.</p>
        <label class="inline"><input type="checkbox" name="respectPrivacySignals" ?checked=${s.consent.respectPrivacySignals} /> Never record browsers that send Global Privacy Control or Do Not Track</label>
        <label class="inline"><input type="checkbox" name="eraseOnRevoke" ?checked=${s.consent.eraseOnRevoke} /> Erase the visitor's sessions, recordings and messages when consent is revoked</label>
        <label for="consentNotice">What the chat says while it may be recorded</label>
        <input id="consentNotice" name="consentNotice" maxlength="200" .value=${s.consent.noticeText} />
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Help when visitors struggle</legend>
        <label class="inline"><input type="checkbox" name="offerOnStruggle" ?checked=${s.help.offerOnStruggle} /> Offer help when a visitor struggles</label>
        <label for="promptText">What the offer says</label>
        <input id="promptText" name="promptText" maxlength="200" .value=${s.help.promptText} />
        <p class="hint">While a chat session is under way, a rage click, an error click, a dead click or a stalled form shows this once in the session, above the chat button; accepting opens the chat. Agents see "Struggling now" either way.</p>
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Conversations</legend>
        <label for="autoResolveMinutes">Resolve conversations quiet for (minutes, 0: never)</label>
        <input id="autoResolveMinutes" name="autoResolveMinutes" type="number" min="0" max="43200" .value=${String(s.conversations.autoResolveMinutes)} />
        <p class="hint">A conversation waiting for a person is never resolved this way: only an answer or an agent ends the wait. The visitor's next message reopens a resolved one.</p>
        <label for="savedReplies">Saved replies (separate them with a blank line)</label>
        <textarea id="savedReplies" name="savedReplies" rows="5" placeholder="Thanks for waiting! Let me look into it.">${s.conversations.savedReplies.join('\n\n')}</textarea>
        <p class="hint">Agents insert them into a reply with one click in Conversations.</p>
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>AI answers</legend>
        ${this.aiStatus
          ? html`<p class="ai-status" role="status" aria-label="AI status" data-state=${this.aiStatus.state}>${this.aiStatus.message}</p>`
          : ''}
        <label class="inline"><input type="checkbox" name="aiEnabled" ?checked=${s.ai.enabled} /> The AI answers visitors</label>
        <label for="systemPrompt">System prompt</label>
        <textarea id="systemPrompt" name="systemPrompt">${s.ai.systemPrompt}</textarea>
        <label for="knowledge">Knowledge</label>
        <textarea id="knowledge" name="knowledge" placeholder="Facts the AI may use: opening hours, shipping, returns…">${s.ai.knowledge}</textarea>
        <label for="dailyTokenCap">Daily token cap</label>
        <input id="dailyTokenCap" name="dailyTokenCap" type="number" min="0" .value=${String(s.ai.dailyTokenCap)} />
      </fieldset>

      <fieldset ?disabled=${readOnly}>
        <legend>Identity verification</legend>
        <label for="identitySecret">Secret (HMAC-SHA256 of the user id, computed on your server)</label>
        <div class="row">
          <input id="identitySecret" name="identitySecret" autocomplete="off" minlength="16" .value=${s.identity.secret ?? ''} />
          <button type="button" @click=${this.generateSecret}>Generate</button>
        </div>
        <label class="inline"><input type="checkbox" name="identityEnforce" ?checked=${s.identity.enforce} /> Refuse identities that are not verified</label>
      </fieldset>

      ${readOnly
        ? ''
        : html`<div class="actions">
            <button class="primary" type="submit">Save settings</button>
            ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : ''}
            ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : ''}
          </div>`}
    </form>`;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('app') && this.app && this.app.id !== (changed.get('app') as PublicApp | undefined)?.id) void this.loadStorage(this.app.id);
  }

  private async loadStorage(appId: string) {
    this.storage = undefined;
    try {
      const { storage } = await activityApi.storage(appId);
      if (this.app?.id === appId) this.storage = storage;
    } catch {
      // The figure is a courtesy; the settings work without it.
    }
  }

  private generateSecret() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#identitySecret');
    if (input) input.value = newSecret();
  }

  private async copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      this.status = 'Snippet copied.';
    } catch {
      this.status = 'Select the snippet and copy it.';
    }
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const app = this.app;
    if (!app) return;
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '');
    const secret = text('identitySecret').trim();
    const patch = {
      allowedOrigins: lines(text('origins')),
      settings: {
        color: text('color'),
        position: text('position'),
        greeting: text('greeting'),
        recording: {
          startOn: text('startOn'),
          maskAllInputs: form.has('maskAllInputs'),
          blockSelectors: lines(text('blockSelectors')),
          maskSelectors: lines(text('maskSelectors')),
          captureConsole: form.has('captureConsole'),
          captureNetwork: form.has('captureNetwork'),
          keepQueryValues: form.has('keepQueryValues'),
        },
        help: { offerOnStruggle: form.has('offerOnStruggle'), ...(text('promptText').trim() ? { promptText: text('promptText') } : {}) },
        privacy: { notifyWhenWatched: form.has('notifyWhenWatched') },
        consent: {
          required: form.has('consentRequired'),
          respectPrivacySignals: form.has('respectPrivacySignals'),
          eraseOnRevoke: form.has('eraseOnRevoke'),
          ...(text('consentNotice').trim() ? { noticeText: text('consentNotice') } : {}),
        },
        conversations: {
          autoResolveMinutes: Number(text('autoResolveMinutes')),
          savedReplies: text('savedReplies').split(/\n\s*\n/).map((reply) => reply.trim()).filter(Boolean),
        },
        retentionDays: Number(text('retentionDays')),
        storageQuotaGb: Number(text('storageQuotaGb')),
        ai: { enabled: form.has('aiEnabled'), systemPrompt: text('systemPrompt'), knowledge: text('knowledge'), dailyTokenCap: Number(text('dailyTokenCap')) },
        identity: { secret: secret || null, enforce: form.has('identityEnforce') },
      },
    };
    try {
      this.app = (await activityApi.updateApp(app.id, patch)).app;
      this.error = '';
      this.status = 'Saved. New widget connections use these settings.';
    } catch (error) {
      this.status = '';
      this.error = error instanceof ApiError ? error.message : 'Could not save the settings.';
    }
  }
}
customElements.define('settings-view', SettingsView);
