import { expect, waitUntil } from '@open-wc/testing';
import type { SharedFontsPayload } from '../../../server/src/protocol/replay-fonts.js';
import type { VisitorSocket } from '../connection-controller.js';
import { FontSharing } from './font-sharing.js';

/** A font file this page's own origin serves (an icon font of a package in node_modules). */
const FONT_PATH = '/node_modules/playwright-core/lib/vite/traceViewer/codicon.DCmgc-ay.ttf';
const FONT_URL = new URL(FONT_PATH, location.href).href;

/** The widget's socket as far as FontSharing uses it: each command noted, answered by `answer`. */
function fakeSocket(answer: (event: string, payload: Record<string, unknown>) => unknown) {
  const sent: Array<{ event: string; payload: Record<string, unknown> }> = [];
  const socket = {
    timeout: () => ({
      emitWithAck: async (event: string, payload: Record<string, unknown>) => {
        sent.push({ event, payload });
        return answer(event, payload);
      },
    }),
  } as unknown as VisitorSocket;
  return { socket, sent };
}

async function sha256Of(url: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await (await fetch(url)).arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('sharing the page’s font files (Chromium)', () => {
  let style: HTMLStyleElement;
  let sharing: FontSharing | undefined;
  afterEach(() => {
    sharing?.stop();
    style?.remove();
    document.adoptedStyleSheets = [];
  });

  it('uploads the files of loaded faces served by this origin, once, and records the faces the server holds', async () => {
    style = document.createElement('style');
    // A face in a media rule, one never used, one of another origin and an inline data: face.
    style.textContent = `
      @media screen { @font-face { font-family: "Test Icons"; src: url(${FONT_PATH}) format("truetype"); font-weight: 400 700; } }
      @font-face { font-family: "Never Used"; src: url(${FONT_PATH}?unused); }
      @font-face { font-family: "Elsewhere"; src: url(http://127.0.0.1:9/elsewhere.woff2) format("woff2"); }`;
    document.head.append(style);
    // A face declared in an adopted style sheet, as a Lit application might.
    const adopted = new CSSStyleSheet();
    adopted.replaceSync(`@font-face { font-family: Adopted; src: url(${FONT_PATH}?adopted) format("truetype"); font-style: italic; }`);
    document.adoptedStyleSheets = [adopted];
    await Promise.all([document.fonts.load('16px "Test Icons"'), document.fonts.load('italic 16px Adopted'), document.fonts.load('16px Elsewhere').catch(() => [])]);

    const hash = await sha256Of(FONT_URL);
    const { socket, sent } = fakeSocket((event, payload) =>
      event === 'fonts:missing' ? { data: { missing: payload.hashes } } : { data: { stored: true } },
    );
    const reports: SharedFontsPayload[] = [];
    sharing = new FontSharing(socket, 'session-1', (payload) => reports.push(payload));
    await sharing.share();

    // Both loaded faces are the same file: asked about once, uploaded once.
    expect(sent.map(({ event }) => event)).to.deep.equal(['fonts:missing', 'fonts:store']);
    expect(sent[0].payload).to.deep.equal({ sessionId: 'session-1', hashes: [hash] });
    expect(sent[1].payload.sha256).to.equal(hash);
    expect((sent[1].payload.data as Uint8Array).length).to.equal((await (await fetch(FONT_URL)).arrayBuffer()).byteLength);
    expect(reports).to.have.length(1);
    expect(reports[0].fonts.map(({ family, style, weight, url, sha256 }) => ({ family, style, weight, url, sha256 }))).to.deep.equal([
      { family: 'Test Icons', style: 'normal', weight: '400 700', url: FONT_URL, sha256: hash },
      { family: 'Adopted', style: 'italic', weight: 'normal', url: `${FONT_URL}?adopted`, sha256: hash },
    ]);

    // A later full snapshot records them again; looking again offers nothing new.
    sharing.snapshotTaken();
    expect(reports[1]).to.deep.equal(reports[0]);
    await sharing.share();
    expect(sent).to.have.length(2);
  });

  it('leaves out a face whose upload the server refuses (its quota), and uploads nothing the application has', async () => {
    style = document.createElement('style');
    style.textContent = `@font-face { font-family: Refused; src: url(${FONT_PATH}?refused); } @font-face { font-family: Known; src: url(${FONT_PATH}?known); font-weight: 700; }`;
    document.head.append(style);
    await Promise.all([document.fonts.load('16px Refused'), document.fonts.load('bold 16px Known')]);
    const hash = await sha256Of(FONT_URL);
    let refusals = 0;
    const { socket, sent } = fakeSocket((event) => {
      if (event === 'fonts:missing') return { data: { missing: [hash] } };
      refusals += 1;
      return { error: { code: 'E_FONT_QUOTA_EXCEEDED', message: 'full' } };
    });
    const reports: SharedFontsPayload[] = [];
    sharing = new FontSharing(socket, 'session-2', (payload) => reports.push(payload));
    await sharing.share();
    // One file for both faces: refused once, and neither face is recorded (the replay loads them from the site).
    expect(refusals).to.equal(1);
    expect(sent.filter(({ event }) => event === 'fonts:store')).to.have.length(1);
    expect(reports).to.deep.equal([]);

    const { socket: knowing, sent: asked } = fakeSocket((event) => (event === 'fonts:missing' ? { data: { missing: [] } } : { data: { stored: true } }));
    const held: SharedFontsPayload[] = [];
    sharing.stop();
    sharing = new FontSharing(knowing, 'session-3', (payload) => held.push(payload));
    await sharing.share();
    expect(asked.map(({ event }) => event)).to.deep.equal(['fonts:missing']);
    await waitUntil(() => held.length === 1, 'the faces are recorded');
    expect(held[0].fonts.map(({ family }) => family).sort()).to.deep.equal(['Known', 'Refused']);
  });
});
