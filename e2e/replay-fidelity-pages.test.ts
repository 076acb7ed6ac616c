import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareWithReplay, fidelitySetup, fidelitySuite, leave, moment, visit } from './support/fidelity.js';
import { siteFontFiles } from './support/font-files.js';
import { waitForStoredText } from './support/recording.js';

/**
 * Replay fidelity on real page patterns (issue 19), part 1: self-hosted fonts, entrance animations, a
 * fixed navbar with a modal, a long scrolled page. Each page is visited through the real widget on a
 * site of its own origin, then opened in the real console at 2–3 moments and compared pixel by pixel
 * with what the visitor saw (support/fidelity.ts says how).
 */
const suite = fidelitySuite('Fidelity pages');

describe('replay fidelity: fonts, motion, layout', () => {
  it('self-hosted fonts (WOFF2, WOFF, TrueType) served without CORS headers replay from Chatreel’s origin', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'fonts.html');
    // The widget shared the files of the faces the page uses and named them in the recording.
    await waitForStoredText(env.app.owner, env.app.appId, sessionId, '"tag":"chatreel/fonts"', 30_000);
    const moments = [await moment(visitor, 'top')];
    await visitor.mouse.move(500, 300);
    await visitor.mouse.wheel(0, 480);
    moments.push(await moment(visitor, 'scrolled'));
    await leave(env, visitor, sessionId);

    // Stored once each, under the application; the declared but unused italic face was not fetched.
    const hashes = [...siteFontFiles().values()].map(({ data }) => createHash('sha256').update(data).digest('hex'));
    expect(await env.server.db.fonts.stored(env.app.appId, hashes)).toEqual(new Set(hashes));
    expect(env.site.requests.some(({ path }) => path.includes('italic'))).toBe(false);

    await compareWithReplay(env, { sessionId, page: 'fonts.html' }, moments, 'scrolled');
    // The replay (on the console's origin) never asked the site for a font: it loaded Chatreel's copies.
    const fromConsole = env.site.requests.filter(({ path, origin }) => path.startsWith('/assets/fonts/') && origin === env.server.url);
    expect(fromConsole).toEqual([]);
  });

  it('entrance keyframe animations and a slide-in banner show as the visitor saw them once they had run', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'animations.html');
    const moments = [await moment(visitor, 'landing')];
    await visitor.getByRole('button', { name: 'Show this week’s offer' }).click();
    await visitor.mouse.move(700, 420);
    await visitor.waitForTimeout(600); // the banner slides in for 0.5 s, the toast fades in for 0.4 s
    moments.push(await moment(visitor, 'offer shown'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'animations.html' }, moments, 'offer shown');
  });

  it('a fixed navbar over scrolled content, then a modal with the keyboard focus in its field', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'navbar-modal.html');
    await visitor.mouse.move(600, 300);
    await visitor.mouse.wheel(0, 700);
    const moments = [await moment(visitor, 'scrolled under the navbar')];
    await visitor.getByRole('button', { name: 'Join the club' }).click();
    await visitor.keyboard.type('runner@example.com');
    await visitor.mouse.move(40, 600);
    moments.push(await moment(visitor, 'modal, field focused'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'navbar-modal.html' }, moments, 'modal, field focused');
  });

  it('a long documentation page with a sticky sidebar, scrolled to three places', async () => {
    const env = suite.env;
    const { visitor, sessionId } = await visit(env, 'long-page.html');
    await visitor.mouse.move(600, 300);
    await visitor.mouse.wheel(0, 1_800);
    const moments = [await moment(visitor, 'section 4')];
    await visitor.mouse.wheel(0, 3_000);
    moments.push(await moment(visitor, 'section 11'));
    await visitor.keyboard.press('End');
    moments.push(await moment(visitor, 'end'));
    await leave(env, visitor, sessionId);
    await compareWithReplay(env, { sessionId, page: 'long-page.html' }, moments, 'section 11');
  });
});
