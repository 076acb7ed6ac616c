import type { ConversationSummary } from '../../../server/src/protocol/chat-events.js';
import { api } from '../api-client.js';
import { consoleSocket, type ConsoleSocket } from './console-socket.js';

/**
 * Tells agents that a visitor waits for a person (issue 18), on whichever console page they are: a
 * sound and (once allowed) a desktop notification when a conversation starts waiting, and the number
 * waiting in the tab title and beside Conversations. The count is the server's (chat:list waiting for
 * each application, again after every reconnect), kept live by `chat:conversation`.
 */

const ACK_TIMEOUT_MS = 10_000;
/** The alert tone: short and high enough to notice, quiet enough not to startle. */
const TONE_HZ = 880;
const TONE_MS = 180;
const TONE_GAIN = 0.08;
const BASE_TITLE = 'Chatreel console';

type Answer<T> = { data: T } | { error: { code: string; message: string } };
type Listener = (count: number) => void;

const waiting = new Map<string, ConversationSummary>();
const listeners = new Set<Listener>();
/** The connection listened to (a sign-out closes it; the next sign-in opens another). */
let subscribed: ConsoleSocket | undefined;
let audio: AudioContext | undefined;

function changed(): void {
  document.title = waiting.size ? `(${waiting.size}) ${BASE_TITLE}` : BASE_TITLE;
  for (const listener of listeners) listener(waiting.size);
}

function playTone(): void {
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = TONE_HZ;
    gain.gain.value = TONE_GAIN;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + TONE_MS / 1000);
  } catch {
    // No audio output (or not allowed yet): the title and the count still say it.
  }
}

function notify(conversation: ConversationSummary): void {
  playTone();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const who = conversation.visitorName || 'A visitor';
  // Text from visitors is shown as text by the system; one notification per conversation (its tag).
  new Notification(`${who} is waiting for a person`, { body: conversation.lastMessageText, tag: `chatreel-waiting-${conversation.sessionId}` });
}

function onConversation({ conversation }: { conversation: ConversationSummary }): void {
  const wasWaiting = waiting.has(conversation.sessionId);
  if (conversation.conversationStatus === 'waiting') {
    waiting.set(conversation.sessionId, conversation);
    if (!wasWaiting) notify(conversation);
  } else {
    waiting.delete(conversation.sessionId);
  }
  if (wasWaiting !== waiting.has(conversation.sessionId)) changed();
}

async function reload(): Promise<void> {
  const socket = consoleSocket();
  const { apps } = await api.listApps().catch(() => ({ apps: [] }));
  const lists = await Promise.all(
    apps.map((app) =>
      (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Answer<{ conversations: ConversationSummary[] }>> })
        .emitWithAck('chat:list', { appId: app.id, view: 'waiting' })
        .catch(() => null),
    ),
  );
  waiting.clear();
  for (const answer of lists) if (answer && 'data' in answer) for (const conversation of answer.data.conversations) waiting.set(conversation.sessionId, conversation);
  changed();
}

/** Starts listening (once per signed-in console); `listener` hears the waiting count now and on each change. */
export function watchWaiting(listener: Listener): () => void {
  listeners.add(listener);
  const socket = consoleSocket();
  if (subscribed !== socket) {
    subscribed = socket;
    waiting.clear();
    socket.on('chat:conversation', onConversation);
    socket.on('connect', () => void reload());
    if (socket.connected) void reload();
  }
  listener(waiting.size);
  return () => listeners.delete(listener);
}

/** Asks for the desktop notification permission (call from a click: browsers require a gesture). */
export async function allowDesktopNotifications(): Promise<NotificationPermission> {
  if (typeof Notification === 'undefined') return 'denied';
  return Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
}
