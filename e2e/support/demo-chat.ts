import type { Browser, Locator, Page } from 'playwright-core';
import { newPage } from './fixtures.js';

/** The widget on a page. */
export const widget = (page: Page): Locator => page.locator('chatreel-widget');

/** A visitor on the demo shop opens the chat and sends `text`; the page and the message box, to write again. */
export async function demoVisitorWrites(browser: Browser, baseUrl: string, text: string): Promise<{ visitor: Page; box: Locator }> {
  const visitor = await newPage(browser);
  await visitor.goto(`${baseUrl}/demo/`);
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const box = widget(visitor).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  return { visitor, box };
}
