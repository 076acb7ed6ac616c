import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareWithReplay, fidelitySetup, fidelitySuite, leave, moment, visit } from './support/fidelity.js';
import { storedSeqs } from './support/recording.js';
import { replayFrame } from './support/replay.js';

/**
 * Replay fidelity on real page patterns (issue 19), part 2: Lit components (shadow DOM, adopted style
 * sheets) with hover, CSS-in-JS through insertRule with hover and focus, every form control — and the
 * same form with masked inputs, whose masked values stay valid. See support/fidelity.ts.
 */
const suite = fidelitySuite('Fidelity components');

/** Fills every control of forms.html as a visitor would (keyboard and pointer). */
async function fillForm(visitor: import('playwright-core').Page) {
  await visitor.locator('#name').fill('Design Systems Meetup');
  await visitor.locator('#email').fill('host@example.com');
  await visitor.locator('#password').fill('sw0rdfish!');
  await visitor.locator('#search').fill('Berlin');
  await visitor.locator('#phone').fill('+49 30 1234567');
  await visitor.locator('#website').fill('https://meetup.example');
  await visitor.locator('#price').fill('12.5');
  await visitor.locator('#seats').fill('250');
  await visitor.locator('#colour').fill('#e11d48');
  await visitor.locator('#date').fill('2031-05-17');
  await visitor.locator('#time').fill('18:30');
  await visitor.locator('#sales-end').fill('2031-05-10T23:59');
  await visitor.locator('#month').fill('2031-05');
  await visitor.locator('#week').fill('2031-W20');
  await visitor.locator('#format').selectOption('workshop');
  await visitor.locator('#topics').selectOption(['Design', 'Research']);
  await visitor.locator('#recorded').check();
  await visitor.locator('#invite').check();
  await visitor.locator('#description').click();
  await visitor.keyboard.type('An evening of talks about tokens, themes and components.');
}

describe('replay fidelity: components, CSS-in-JS, forms', () => {
  it('Lit components in shadow roots show their hover styles (adopted style sheets, :host(:hover), nested roots)', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'components.html');
    await visitor.locator('product-card').first().getByRole('button', { name: 'Add to cart' }).hover();
    const moments = [await moment(visitor, 'buy button hovered')];
    await visitor.locator('product-card').nth(2).locator('rating-stars span').nth(1).hover();
    moments.push(await moment(visitor, 'rating hovered'));
    await visitor.mouse.move(20, 620);
    moments.push(await moment(visitor, 'nothing hovered'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'components.html' }, moments, 'nothing hovered');
  });

  it('CSS-in-JS rules inserted with insertRule, a theme switch, hover and focus styles among them', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'css-in-js.html');
    await visitor.getByRole('button', { name: 'Invite people' }).hover();
    const moments = [await moment(visitor, 'light, button hovered')];
    // The dark theme's rules are inserted now, while the page is recorded.
    await visitor.getByRole('button', { name: 'Switch to dark' }).click();
    await visitor.getByPlaceholder('Search members').focus();
    await visitor.getByRole('button', { name: 'Invite people' }).hover();
    moments.push(await moment(visitor, 'dark, field focused, button hovered'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'css-in-js.html' }, moments, 'dark, field focused, button hovered');
  });

  it('every form control, filled in, with the keyboard focus in the description', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'forms.html');
    await fillForm(visitor);
    const moments = [await moment(visitor, 'filled in, description focused')];
    await visitor.mouse.move(500, 300);
    await visitor.mouse.wheel(0, 600);
    moments.push(await moment(visitor, 'scrolled to the end'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'forms.html' }, moments, 'scrolled to the end');
  });
});

describe('masked form fields in the replay', () => {
  it('keep values their fields accept (no "*****" in a colour, date or number field), never the visitor’s', async () => {
    const env = suite.env;
    const masked = await fidelitySetup(env.server, env.browser, { maskAllInputs: true, name: 'Masked forms' });
    try {
      const { visitor, sessionId } = await visit(masked, 'forms.html');
      await fillForm(visitor);
      await visitor.waitForTimeout(700);
      await leave(masked, visitor, sessionId);

      // Nothing the visitor entered is stored. (The options they chose from are page content, the choice is not;
      // the page's own <output> shows the seat count as text, which only rr-mask would hide.)
      const stored = await storedText(masked.app.owner, masked.app.appId, sessionId);
      expect(stored).not.toContain('"text":"workshop"');
      for (const real of ['Design Systems Meetup', 'host@example.com', 'sw0rdfish!', '#e11d48', '2031-05-17', '18:30', '2031-W20', '12.5']) {
        expect(stored, real).not.toContain(real);
      }

      const rejected: string[] = [];
      masked.agent.on('console', (message) => message.text().includes('does not conform') && rejected.push(message.text()));
      await masked.agent.goto(`${env.server.url}/#/replay/${masked.app.appId}/${sessionId}`);
      const { frame } = await replayFrame(masked.agent);
      await masked.agent.keyboard.press('End');
      await expect.poll(() => frame.locator('#colour').inputValue(), { timeout: 10_000 }).toBe('#000000');
      const values = Object.fromEntries(
        await Promise.all(['#date', '#time', '#sales-end', '#month', '#week', '#price', '#seats', '#format', '#name'].map(async (id) => [id, await frame.locator(id).inputValue()])),
      );
      expect(values).toEqual({
        '#date': '1970-01-01',
        '#time': '00:00',
        '#sales-end': '1970-01-01T00:00',
        '#month': '1970-01',
        '#week': '1970-W01',
        '#price': '0',
        '#seats': '10',
        '#format': '',
        '#name': '*'.repeat('Design Systems Meetup'.length),
      });
      expect(rejected).toEqual([]);
    } finally {
      await masked.site.close();
    }
  });
});

/** Every stored chunk of the session, inflated, as one text. */
async function storedText(owner: import('../server/src/testing/http-client.js').HttpClient, appId: string, sessionId: string): Promise<string> {
  const texts = [];
  for (const seq of await storedSeqs(owner, appId, sessionId)) {
    const response = await fetch(`${owner.baseUrl}/api/apps/${appId}/sessions/${sessionId}/replay/chunks/${seq}`, { headers: { cookie: owner.cookie } });
    texts.push(gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8'));
  }
  return texts.join('\n');
}
