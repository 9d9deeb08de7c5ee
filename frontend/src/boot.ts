// The first thing the page evaluates (main.ts imports it before anything
// else): the session's secret, the API client, and the first screen's
// requests. It imports nothing with a runtime of its own, so the requests
// go out before the app's components and stores are evaluated, and their
// answers are on the way while that happens (a CPU profile of the cold
// open put ~50-130 ms of module evaluation before main.ts's body).

import { createApi, readToken, takeFragmentToken } from './lib/api';
import { parseHash } from './lib/route';

// The server writes the secret into index.html; `npm run dev` against a
// running `flowdeck serve` can pass it as VITE_FLOWDECK_TOKEN instead.
// With --allow-remote the page carries no secret: it comes in the URL's
// fragment (see takeFragmentToken).
function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
const pageSecret = readToken(document);
// sessionStorage is asked only where the secret can be: a `#token=` link,
// or a page the server wrote no secret into (--allow-remote). A fresh
// page's first sessionStorage read blocks until the browser has opened the
// tab's storage (up to ~100 ms in a CPU profile of the cold open), and
// everything below, the first requests included, waits for it.
/** The secret taken from the URL's fragment (or this tab's storage of it); '' on loopback. */
export const fromFragment =
  pageSecret === '' || window.location.hash.startsWith('#token=')
    ? takeFragmentToken(window.location, window.history, sessionStorageOrNull())
    : '';
/** The session's secret, sent with every API request. */
export const token = pageSecret || fromFragment || (import.meta.env.VITE_FLOWDECK_TOKEN as string | undefined) || '';
if (fromFragment !== '' && pageSecret === '') {
  // The page's other readers of the secret (the original view's test
  // reports) find it where the server puts it on loopback.
  const meta = document.createElement('meta');
  meta.name = 'flowdeck-token';
  meta.content = fromFragment;
  document.head.append(meta);
}

/** The app's API client. */
export const api = createApi({ token });

// The first screen's requests go out now; the stores' first requests for
// them take these answers (api.prefetch).
{
  const first = parseHash(window.location.hash);
  const seg = encodeURIComponent;
  const paths = ['/api/datastore', '/api/flows'];
  if (first.flow === undefined) paths.push('/api/landing');
  else if (first.compare === undefined) {
    paths.push(`/api/flows/${seg(first.flow)}/runs`);
    if (first.run !== undefined) paths.push(`/api/runs/${seg(first.flow)}/${seg(first.run)}`);
  }
  api.prefetch(paths);
}
