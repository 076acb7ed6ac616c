/** Per-application settings, as stored and as the console edits them. */
export interface AppSettings {
  color: string;
  position: 'left' | 'right';
  greeting: string;
  ai: { enabled: boolean; systemPrompt: string; knowledge: string; dailyTokenCap: number };
  /** Identity verification: HMAC-SHA256(secret, userId). `enforce` refuses unverified identify. */
  identity: { secret: string | null; enforce: boolean };
  recording: {
    startOn: 'open' | 'first-message';
    maskAllInputs: boolean;
    blockSelectors: string[];
    maskSelectors: string[];
    idleTimeoutMinutes: number;
    maxDurationMinutes: number;
    /** Devtools (issue 21): the page's console messages are recorded. */
    captureConsole: boolean;
    /** The page's fetch and XHR requests are recorded (method, URL, status, duration, size; never headers or bodies). */
    captureNetwork: boolean;
    /** Recorded request URLs keep their query values; off, each value is masked (`?q=*`). */
    keepQueryValues: boolean;
  };
  /** Struggle spotted live (issue 21): offer help once per session when the visitor struggles. */
  help: { offerOnStruggle: boolean; promptText: string };
  privacy: { notifyWhenWatched: boolean };
  /** Conversations (issue 18): resolved after this many quiet minutes (0: only by an agent). Never while waiting for a person. */
  conversations: {
    autoResolveMinutes: number;
    /** Replies the application's agents insert with one click (never sent to the widget). */
    savedReplies: string[];
  };
  retentionDays: number;
  /** Recordings this application may store, in GB (10^9 bytes); past it, recording stops (E_QUOTA_EXCEEDED). */
  storageQuotaGb: number;
  /**
   * Consent (issue 22): `required` records only visitors whose site declared consent (`Chatreel.consent(true)`
   * or the script tag's `data-consent`); `respectPrivacySignals` never records a browser sending Global
   * Privacy Control or Do Not Track; `eraseOnRevoke` erases the visitor (their sessions, recordings and
   * messages) when the site revokes consent; `noticeText` is the widget's "may be recorded" line.
   */
  consent: { required: boolean; respectPrivacySignals: boolean; eraseOnRevoke: boolean; noticeText: string };
}
