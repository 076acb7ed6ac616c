/**
 * `GET /api/ai/status`: whether AI answers work on this server, for the console's settings.
 * - `off`: no ANTHROPIC_API_KEY; chats go to people.
 * - `ready`: answering with `model`.
 * - `deprecated`: answering with `model` until `endOfLife`, then it stops: set ANTHROPIC_MODEL.
 * - `retired` / `unavailable`: `model` no longer answers (its end of life passed, or the API refused it);
 *   chats go to people until ANTHROPIC_MODEL names a current model.
 */
export interface AiStatus {
  state: 'off' | 'ready' | 'deprecated' | 'retired' | 'unavailable';
  model: string | null;
  /** What an owner should know, in a sentence or two. */
  message: string;
  endOfLife: string | null;
}
