import { existsSync } from 'node:fs';
import path from 'node:path';
import { INITIAL_PASSWORD_FILE } from './apps/bootstrap.js';

export interface StartFacts {
  /** The address people open (PUBLIC_URL), when set. */
  publicUrl: string | undefined;
  host: string;
  port: number;
  demoApp: boolean;
  /** OWNER_PASSWORD was given (then the password is the one set, never repeated here). */
  ownerPasswordSet: boolean;
  ownerEmail: string;
  dataDir: string;
}

export interface StartBanner {
  consoleUrl: string;
  demoUrl: string | null;
  /** Where the owner's first password is, in words for a person. */
  firstPassword: string;
  /** The lines printed at start, for a person at a terminal (the JSON log carries the fields above). */
  text: string;
}

/** Listening on every interface: a browser on this machine reaches it as localhost. */
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** What the first start tells a person: where the console and the demo are, and how to sign in. */
export function startBanner(facts: StartFacts): StartBanner {
  const host = ANY_ADDRESS.has(facts.host) ? 'localhost' : facts.host.includes(':') ? `[${facts.host}]` : facts.host;
  const base = (facts.publicUrl ?? `http://${host}:${facts.port}`).replace(/\/+$/, '');
  const consoleUrl = `${base}/`;
  const demoUrl = facts.demoApp ? `${base}/demo/` : null;
  const file = path.join(facts.dataDir, INITIAL_PASSWORD_FILE);
  const firstPassword = facts.ownerPasswordSet
    ? `the OWNER_PASSWORD you set (${facts.ownerEmail})`
    : existsSync(file)
      ? `in ${file} (sign in as ${facts.ownerEmail})`
      : `the password of ${facts.ownerEmail} you chose (its first one was shown once; ${file} was removed)`;
  const lines = ['Chatreel is running', `  Console:        ${consoleUrl}`];
  if (demoUrl) lines.push(`  Demo shop:      ${demoUrl}`);
  lines.push(`  First password: ${firstPassword}`);
  return { consoleUrl, demoUrl, firstPassword, text: lines.join('\n') };
}
