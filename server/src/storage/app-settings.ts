import type { AppSettings } from './repositories.js';

/** Settings of a new application, and the fallback for any field an older document lacks. */
export const DEFAULT_APP_SETTINGS: AppSettings = {
  color: '#4f46e5',
  position: 'right',
  greeting: 'Hi! How can we help?',
  ai: { enabled: true, systemPrompt: '', knowledge: '', dailyTokenCap: 200_000 },
  identity: { secret: null, enforce: false },
  recording: {
    startOn: 'first-message',
    maskAllInputs: true,
    blockSelectors: [],
    maskSelectors: [],
    idleTimeoutMinutes: 30,
    maxDurationMinutes: 240,
    // Off until the owner turns them on: a site's console can print what its visitors typed.
    captureConsole: false,
    captureNetwork: false,
    keepQueryValues: false,
  },
  help: { offerOnStruggle: false, promptText: 'Having trouble? We can help.' },
  privacy: { notifyWhenWatched: true },
  conversations: { autoResolveMinutes: 0, savedReplies: [] },
  retentionDays: 30,
  storageQuotaGb: 20,
  // Off: recording as before issue 22 (the owner turns consent mode on).
  consent: { required: false, respectPrivacySignals: false, eraseOnRevoke: false, noticeText: 'This chat may be recorded to help us support you.' },
};

type Loose<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : Loose<T[K]> | null) : T[K] | null } | null | undefined;

/** Fills every missing field from the defaults (documents written before a setting existed). */
export function withDefaultSettings(stored: Loose<AppSettings>): AppSettings {
  const d = DEFAULT_APP_SETTINGS;
  const s = stored ?? {};
  return {
    color: s.color ?? d.color,
    position: s.position === 'left' ? 'left' : 'right',
    greeting: s.greeting ?? d.greeting,
    ai: { ...d.ai, ...stripNulls(s.ai) },
    identity: { secret: s.identity?.secret ?? null, enforce: s.identity?.enforce ?? false },
    recording: {
      ...d.recording,
      ...stripNulls(s.recording),
      blockSelectors: [...(s.recording?.blockSelectors ?? [])],
      maskSelectors: [...(s.recording?.maskSelectors ?? [])],
    },
    privacy: { ...d.privacy, ...stripNulls(s.privacy) },
    help: { ...d.help, ...stripNulls(s.help) },
    conversations: { ...d.conversations, ...stripNulls(s.conversations), savedReplies: [...(s.conversations?.savedReplies ?? [])] },
    retentionDays: s.retentionDays ?? d.retentionDays,
    storageQuotaGb: s.storageQuotaGb ?? d.storageQuotaGb,
    consent: { ...d.consent, ...stripNulls(s.consent) },
  };
}

function stripNulls<T extends object>(value: T | null | undefined): { [K in keyof T]?: NonNullable<T[K]> } {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}
