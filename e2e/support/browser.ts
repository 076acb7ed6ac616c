import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium from the system package. Playwright gives every launch a fresh temporary profile.
 * `extraArgs`: more switches (the recording benchmark turns off Local Network Access checks).
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
