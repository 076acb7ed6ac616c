import { replayAddress, startEarlyRequests } from './boot/early-requests.js';

/**
 * The console page's first script (index.html), tiny and run before the console's own code: it asks
 * for what the address will need at once — who is signed in and, on a replay address, the recording's
 * chunk list, its first chunk and the replay's code — so none of it waits for the console to boot.
 */
startEarlyRequests(location.hash);
if (replayAddress(location.hash)) {
  // Loaded (and run) now rather than after the shell has rendered the view, which only then asks.
  import('./replay/replay-view.js').catch(() => {});
  import('./replay/replay-player.js').catch(() => {});
}
