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
  };
  privacy: { notifyWhenWatched: boolean };
  retentionDays: number;
  /** Recordings this application may store, in GB (10^9 bytes); past it, recording stops (E_QUOTA_EXCEEDED). */
  storageQuotaGb: number;
}
