import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PromptRow } from '../../../server/src/protocol/activity.js';
import type { AnnouncedSession } from '../activity/live-merge.js';
import { consoleSocket, type ConsoleSocket } from './console-socket.js';

/** Wait this long after a burst of live events before refetching, so a burst costs one request. */
const REFETCH_DEBOUNCE_MS = 60;

/**
 * Tells a view when its application's activity changed: a session started or changed status, a
 * prompt came in (`prompt:created`), a conversation moved on (the chat's `chat:conversation`, e.g. an
 * answer), and after every reconnect,
 * because Socket.IO delivers at most once and events may have been missed while away.
 */
export class ActivityLiveController implements ReactiveController {
  private socket: ConsoleSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    host: ReactiveControllerHost,
    private readonly appId: () => string | undefined,
    private readonly onChange: (reason: 'event' | 'reconnect') => void,
    /** Told at once about a session of this application, before the debounced refetch. */
    private readonly onSession?: (session: AnnouncedSession) => void,
    /** Told at once about a visitor's new message in this application. */
    private readonly onPrompt?: (prompt: PromptRow) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const socket = (this.socket = consoleSocket());
    const forThisApp = (appId: string) => appId === this.appId();
    const onSession = ({ session }: { session: AnnouncedSession & { appId: string } }) => {
      if (!forThisApp(session.appId)) return;
      this.onSession?.(session);
      this.schedule('event');
    };
    const onConversation = ({ conversation }: { conversation: { appId: string } }) => forThisApp(conversation.appId) && this.schedule('event');
    // The server says console:ready on every (re)connection, once this socket is in the app rooms:
    // whatever happened before that (while away, or before the first join) is fetched again.
    const onReady = () => this.schedule('reconnect');
    const onPromptCreated = ({ appId, prompt }: { appId: string; prompt: PromptRow }) => {
      if (!forThisApp(appId)) return;
      this.onPrompt?.(prompt);
      this.schedule('event');
    };
    socket.on('prompt:created', onPromptCreated);
    socket.on('session:changed', onSession);
    socket.on('chat:conversation', onConversation);
    socket.on('console:ready', onReady);
    // A visitor struggles (issue 21): the feed's row shows it with the refetch.
    const onStruggle = ({ session }: { session: { appId: string } }) => forThisApp(session.appId) && this.schedule('event');
    socket.on('session:struggle', onStruggle);
    this.unsubscribe.push(
      () => socket.off('session:struggle', onStruggle),
      () => socket.off('prompt:created', onPromptCreated),
      () => socket.off('session:changed', onSession),
      () => socket.off('chat:conversation', onConversation),
      () => socket.off('console:ready', onReady),
    );
  }

  hostDisconnected(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    clearTimeout(this.timer);
  }

  /** Whether the live connection is up (shown as a small indicator). */
  get connected(): boolean {
    return Boolean(this.socket?.connected);
  }

  private schedule(reason: 'event' | 'reconnect') {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(reason), REFETCH_DEBOUNCE_MS);
  }
}
