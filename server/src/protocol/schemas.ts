import { z } from 'zod';
import {
  MAX_ALLOWED_ORIGINS,
  MAX_HELP_PROMPT_CHARS,
  MAX_STRUGGLE_LABEL_CHARS,
  MAX_APP_NAME_CHARS,
  MAX_APP_STORAGE_QUOTA_GB,
  MAX_AUTO_RESOLVE_MINUTES,
  MAX_CHAT_MESSAGE_CHARS,
  MAX_SAVED_REPLIES,
  MAX_EMAIL_CHARS,
  MAX_ORIGIN_CHARS,
  MAX_KNOWLEDGE_CHARS,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  MAX_SYSTEM_PROMPT_CHARS,
  MAX_URL_CHARS,
  MAX_VISITOR_ID_CHARS,
  MAX_CONSENT_NOTICE_CHARS,
} from './limits.js';
import { visitorIdentitySchema } from './chat-schemas.js';
import { HELP_OFFER_OUTCOMES, LIVE_STRUGGLE_TYPES } from './struggle.js';

/** Validation schemas for every payload a client sends. The server parses with these at the boundary. */

const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/;

/**
 * `https://example.com`, `http://localhost:8080` or `https://*.example.com`: scheme, host, optional port.
 * Written as people copy them from the address bar: `https://Example.com/` is `https://example.com`.
 * Anything else is refused with a sentence naming it (`params.sentence`: shown as is, see validate.ts).
 */
export const originSchema = z
  .string()
  .trim()
  .max(MAX_ORIGIN_CHARS)
  .transform((origin) => origin.replace(/\/+$/, '').toLowerCase())
  .refine((origin) => ORIGIN.test(origin), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a website origin: write its scheme and host only, such as https://www.example.com or https://*.example.com.`,
    params: { sentence: true },
  });

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().max(MAX_EMAIL_CHARS).email(),
  password: z.string().min(1).max(MAX_PASSWORD_CHARS),
});

/** `POST /api/auth/password`: the signed-in user changes their password (issue 18). */
export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1).max(MAX_PASSWORD_CHARS),
    newPassword: z.string().min(MIN_PASSWORD_CHARS).max(MAX_PASSWORD_CHARS),
  })
  .strict();

/** `DELETE /api/apps/:appId`: confirmed by typing the application's name. */
export const deleteAppSchema = z.object({ confirmName: z.string().max(MAX_APP_NAME_CHARS * 2) }).strict();

export const createAppSchema = z.object({
  name: z.string().trim().min(1).max(MAX_APP_NAME_CHARS),
  allowedOrigins: z.array(originSchema).max(MAX_ALLOWED_ORIGINS).default([]),
});

/** A CSS selector list entry for extra block/mask rules; checked again in the browser before use. */
const selectorSchema = z.string().trim().min(1).max(200);

/** Every setting is optional in a patch; what is absent keeps its value. */
export const appSettingsPatchSchema = z
  .object({
    color: z.string().regex(/^#[0-9a-f]{6}$/i, 'must be a colour like #4f46e5'),
    position: z.enum(['left', 'right']),
    greeting: z.string().trim().max(300),
    ai: z
      .object({
        enabled: z.boolean(),
        systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS),
        knowledge: z.string().max(MAX_KNOWLEDGE_CHARS),
        dailyTokenCap: z.number().int().min(0).max(100_000_000),
      })
      .partial()
      .strict(),
    identity: z
      .object({
        secret: z.string().min(16).max(200).nullable(),
        enforce: z.boolean(),
      })
      .partial()
      .strict(),
    recording: z
      .object({
        startOn: z.enum(['open', 'first-message']),
        maskAllInputs: z.boolean(),
        blockSelectors: z.array(selectorSchema).max(50),
        maskSelectors: z.array(selectorSchema).max(50),
        idleTimeoutMinutes: z.number().int().min(1).max(24 * 60),
        maxDurationMinutes: z.number().int().min(1).max(7 * 24 * 60),
        captureConsole: z.boolean(),
        captureNetwork: z.boolean(),
        keepQueryValues: z.boolean(),
      })
      .partial()
      .strict(),
    help: z
      .object({ offerOnStruggle: z.boolean(), promptText: z.string().trim().min(1).max(MAX_HELP_PROMPT_CHARS) })
      .partial()
      .strict(),
    privacy: z.object({ notifyWhenWatched: z.boolean() }).partial().strict(),
    conversations: z
      .object({
        autoResolveMinutes: z.number().int().min(0).max(MAX_AUTO_RESOLVE_MINUTES),
        savedReplies: z.array(z.string().trim().min(1).max(MAX_CHAT_MESSAGE_CHARS)).max(MAX_SAVED_REPLIES),
      })
      .partial()
      .strict(),
    retentionDays: z.number().int().min(1).max(3650),
    storageQuotaGb: z.number().int().min(1).max(MAX_APP_STORAGE_QUOTA_GB),
    consent: z
      .object({
        required: z.boolean(),
        respectPrivacySignals: z.boolean(),
        eraseOnRevoke: z.boolean(),
        noticeText: z.string().trim().min(1).max(MAX_CONSENT_NOTICE_CHARS),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export const updateAppSchema = z
  .object({
    name: createAppSchema.shape.name.optional(),
    allowedOrigins: z.array(originSchema).max(MAX_ALLOWED_ORIGINS).optional(),
    settings: appSettingsPatchSchema.optional(),
  })
  .strict();

export const visitorIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .min(8)
  .max(MAX_VISITOR_ID_CHARS);

/** `auth` sent by the widget in its Socket.IO handshake. */
export const visitorHandshakeSchema = z.object({
  key: z.string().regex(/^pk_[A-Za-z0-9_-]{8,64}$/),
  visitorId: visitorIdSchema.optional(),
  /** The secret `widget:ready` gave with the visitor id; without it the id is not honoured. */
  visitorToken: z.string().max(128).optional(),
  /** Set when the host page called `identify`; verified by the server (see chat/identity.ts). */
  identity: visitorIdentitySchema.optional(),
  /** The site declared the visitor's consent to recording (issue 22); absent: not declared. */
  consent: z.boolean().optional(),
  /** The browser sends Global Privacy Control or Do Not Track. */
  privacySignal: z.boolean().optional(),
});

/** `consent:set`: the site gave (`true`) or revoked (`false`) the visitor's consent to recording on this page. */
export const consentSetSchema = z.object({ consent: z.boolean() }).strict();

export type LoginInput = z.infer<typeof loginSchema>;
export type CreateAppInput = z.infer<typeof createAppSchema>;
export type UpdateAppInput = z.infer<typeof updateAppSchema>;
export type VisitorHandshake = z.infer<typeof visitorHandshakeSchema>;

/** `session:start`: the widget begins (or, on a new page, resumes) the visitor's session. */
export const sessionStartSchema = z.object({
  url: z.string().max(MAX_URL_CHARS).url().regex(/^https?:\/\//i, 'must be an http(s) URL'),
  viewport: z.object({
    width: z.number().int().min(0).max(100_000),
    height: z.number().int().min(0).max(100_000),
  }),
});

export type SessionStartInput = z.infer<typeof sessionStartSchema>;

/** The query of `POST /ingest` (the pagehide flush): one value each, seq in plain decimal as the widget writes it. */
export const ingestQuerySchema = z.object({
  sessionId: z.string().min(1).max(64),
  seq: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number')
    .transform(Number),
  token: z.string().min(1).max(128),
  encoding: z.enum(['gzip', 'json']).default('gzip'),
});

/** `struggle:report`: the widget saw the visitor struggle; `canOfferHelp` when its chat is closed (an offer would make sense). */
export const struggleReportSchema = z
  .object({
    type: z.enum(LIVE_STRUGGLE_TYPES),
    label: z.string().trim().max(MAX_STRUGGLE_LABEL_CHARS),
    canOfferHelp: z.boolean(),
  })
  .strict();

/** `struggle:help`: what the visitor did with the help prompt. */
export const helpOfferAnswerSchema = z
  .object({ outcome: z.enum(HELP_OFFER_OUTCOMES).exclude(['offered']) })
  .strict();

export type StruggleReportInput = z.infer<typeof struggleReportSchema>;
