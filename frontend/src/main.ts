// Composition root of the UI: takes the API client and the first requests
// from boot.ts, builds the transport and the app state, and mounts the app
// with them.

// First, on purpose: its requests go out before the rest is evaluated.
import { api, fromFragment, token } from './boot';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { TOKEN_HEADER } from './lib/api';
import { FetchEventSource } from './lib/fetchsse';
import { createSseTransport } from './lib/transport';
import { AppState } from './stores/app.svelte';

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
