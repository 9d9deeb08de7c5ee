// Composition root of the UI: builds the API client, the transport and the
// app state, and mounts the app with them.

import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createApi, readToken, takeFragmentToken, TOKEN_HEADER } from './lib/api';
import { parseHash } from './lib/route';
import { FetchEventSource } from './lib/fetchsse';
import { createSseTransport } from './lib/transport';
import { AppState } from './stores/app.svelte';

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
const fromFragment = takeFragmentToken(window.location, window.history, sessionStorageOrNull());
const token =
  readToken(document) || fromFragment || (import.meta.env.VITE_FLOWDECK_TOKEN as string | undefined) || '';
if (fromFragment !== '' && readToken(document) === '') {
  // The page's other readers of the secret (the original view's test
  // reports) find it where the server puts it on loopback.
  const meta = document.createElement('meta');
  meta.name = 'flowdeck-token';
  meta.content = fromFragment;
  document.head.append(meta);
}
const api = createApi({ token });
// The first screen's requests go out now, while the app is built; the
// stores' first requests for them take these answers (api.prefetch).
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
// The live stream is SSE in both shells. With --allow-remote (the secret
// came in the fragment) the event stream sends it as a header too, over
// fetch, so it is in no request URL.
const transport =
  fromFragment !== ''
    ? createSseTransport({
        url: '/api/events',
        createEventSource: (url) => new FetchEventSource(url, { [TOKEN_HEADER]: token }),
      })
    : createSseTransport({ url: () => api.eventsUrl() });

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const app = new AppState({ api, transport, host: window, storage: localStorageOrNull() });

mount(App, { target: document.getElementById('app')!, props: { app } });
