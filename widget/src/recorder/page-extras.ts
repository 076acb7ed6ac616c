import type { WidgetRecordingSettings, WidgetSettings } from '../../../server/src/protocol/events.js';
import { HELP_OFFER_TAG, STRUGGLE_TAG, type RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import type { HelpOfferOutcome, StruggleReport } from '../../../server/src/protocol/struggle.js';
import type { VisitorSocket } from '../connection-controller.js';
import { clickTarget, formOf } from './click-targets.js';
import type { ChatreelHelpPrompt } from './help-prompt.js';
import type { NodeLookup } from './ignored-fields.js';
import { StruggleDetector } from './struggle-detector.js';

const ACK_TIMEOUT_MS = 10_000;

/** What the recorder needs of the widget element: whether its chat is open, and opening it. */
export interface HelpHost extends HTMLElement {
  readonly open: boolean;
  openChat(): void;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface PageExtras {
  /** Every event the recorder emits (the struggle detector reads clicks, changes and failures from them). */
  observe(event: RecordedEvent): void;
  stop(): void;
}

/**
 * What the recorder adds to rrweb on a page (issue 21): the console and the network when the
 * application records them, and struggle spotted live — reported to the server for the agents, and
 * answered, once a session, with the owner's offer of help when the application offers it.
 */
export function startPageExtras(options: {
  socket: VisitorSocket;
  server: string;
  recording: WidgetRecordingSettings;
  help: WidgetSettings['help'];
  widget: HelpHost | undefined;
  mirror: NodeLookup;
  /** Records a custom event (rrweb's addCustomEvent: it comes back through `observe`). */
  addEvent(tag: string, payload: unknown): void;
  /** The CSS selector of every private area (rr-block, rr-mask, rr-ignore and the owner's selectors). */
  privateAreas: string | undefined;
}): PageExtras {
  const { socket, widget, mirror, addEvent, privateAreas } = options;
  const { recording } = options;
  let active = true;
  let stopCapture: (() => void) | undefined;
  if (recording.captureConsole || recording.captureNetwork) {
    void import('./devtools-capture.js').then(
      ({ startDevtoolsCapture }) => {
        if (!active) return;
        stopCapture = startDevtoolsCapture({ recording, server: options.server, privateAreas, addEvent, onFailure: (ts, outcome) => detector.failure(ts, outcome) });
      },
      () => undefined, // the chunk could not be fetched: recording goes on without it
    );
  }

  const offerHelp = options.help?.offerOnStruggle === true && widget !== undefined;
  let prompt: { element: ChatreelHelpPrompt; settle(outcome: Exclude<HelpOfferOutcome, 'offered'>): void } | undefined;

  async function showPrompt(text: string) {
    if (!widget || prompt) return;
    // Its own chunk, fetched once an offer is granted: most pages never show one.
    const loaded = await import('./help-prompt.js').catch(() => null);
    if (!loaded || prompt || !active) return;
    const { ChatreelHelpPrompt } = loaded;
    const element = new ChatreelHelpPrompt();
    element.text = text;
    element.position = widget.dataset.position === 'left' ? 'left' : 'right';
    let settled = false;
    const settle = (outcome: Exclude<HelpOfferOutcome, 'offered'>) => {
      if (settled) return;
      settled = true;
      element.remove();
      widget.removeEventListener('chatreel:open', onOpened);
      addEvent(HELP_OFFER_TAG, { outcome });
      void socket.timeout(ACK_TIMEOUT_MS).emitWithAck('struggle:help', { outcome }).catch(() => undefined);
    };
    const onOpened = () => settle('chat-opened');
    element.addEventListener('help-accept', () => {
      settle('accepted');
      widget.openChat();
    });
    element.addEventListener('help-dismiss', () => settle('dismissed'));
    widget.addEventListener('chatreel:open', onOpened);
    widget.renderRoot.append(element);
    prompt = { element, settle };
    addEvent(HELP_OFFER_TAG, { outcome: 'offered' });
  }

  async function reported(report: StruggleReport) {
    addEvent(STRUGGLE_TAG, report);
    const canOfferHelp = offerHelp && !widget!.open && !prompt;
    const answer = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('struggle:report', { ...report, canOfferHelp })
      .catch(() => null);
    const text = answer && 'data' in answer ? answer.data.offerHelp?.text : undefined;
    if (!text || !active) return;
    // Granted, but the chat opened meanwhile: the offer is answered already.
    if (widget?.open) return void socket.timeout(ACK_TIMEOUT_MS).emitWithAck('struggle:help', { outcome: 'chat-opened' }).catch(() => undefined);
    await showPrompt(text);
  }

  const target = { widget, privateAreas };
  const detector = new StruggleDetector({
    target: (id) => clickTarget(mirror.getNode(id), target),
    form: (id) => formOf(mirror.getNode(id), target),
    report: (report) => void reported(report),
    visible: () => document.visibilityState === 'visible',
    present: (form) => (form as Element).isConnected,
    selectingText: () => getSelection()?.isCollapsed === false,
  });
  const onSubmit = (event: Event) => detector.formSubmitted(event.target as object);
  addEventListener('submit', onSubmit, true);

  return {
    observe: (event) => detector.observe(event),
    stop() {
      active = false;
      detector.stop();
      removeEventListener('submit', onSubmit, true);
      stopCapture?.();
      prompt?.element.remove();
    },
  };
}
