import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PasswordHasher } from '../auth/passwords.js';
import type { Repositories } from '../storage/ports.js';
import { newPublicKey } from './apps-service.js';

export const INITIAL_PASSWORD_FILE = 'initial-owner-password.txt';

/**
 * First start: creates the owner account and the demo application. The owner's password is
 * OWNER_PASSWORD, or a generated one written to DATA_DIR/initial-owner-password.txt (mode 600) and logged once.
 */
export async function bootstrapInstallation(
  repos: Repositories,
  options: { ownerEmail: string; ownerPassword: string | undefined; dataDir: string; demoApp: boolean },
  passwords: PasswordHasher,
  logger: Logger,
): Promise<void> {
  let demo = await repos.apps.findDemo();
  if (!demo && options.demoApp) {
    demo = await repos.apps.create({ name: 'Demo site', publicKey: newPublicKey(), allowedOrigins: [], demo: true });
    // The demo shows the replay's devtools: its own pages' console and requests are recorded (issue 21).
    demo =
      (await repos.apps.update(demo.id, { settings: { 'settings.recording.captureConsole': true, 'settings.recording.captureNetwork': true } })) ?? demo;
    logger.info({ appId: demo.id }, 'created the demo application');
  }

  if ((await repos.users.count()) > 0) return;
  const password = options.ownerPassword ?? randomBytes(12).toString('base64url');
  const owner = await repos.users.create({
    email: options.ownerEmail,
    passwordHash: await passwords.hash(password),
    role: 'owner',
    appIds: demo ? [demo.id] : [],
  });
  if (options.ownerPassword) {
    logger.info({ email: owner.email }, 'created the owner account with OWNER_PASSWORD');
    return;
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `email: ${owner.email}\npassword: ${password}\n`, { mode: 0o600 });
  logger.warn(
    { email: owner.email, password, file },
    'created the owner account with a generated password; sign in and keep it safe (it is also in the file named here)',
  );
}
