// Composition root of the UI: builds the API client, the transport and the
// app state, and mounts the app with them.

import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createApi, readToken } from './lib/api';
import { chooseTransport, createSseTransport } from './lib/transport';
import { withTestProbe } from './lib/transport-probe';
import { AppState } from './stores/app.svelte';

// The server writes the secret into index.html; `npm run dev` against a
// running `flowdeck serve` can pass it as VITE_FLOWDECK_TOKEN instead.
const token = readToken(document) || (import.meta.env.VITE_FLOWDECK_TOKEN as string | undefined) || '';
const api = createApi({ token });
// SSE, unless the window's server names Wails events (benchmarks only).
const transport = withTestProbe(
  chooseTransport(document, window as { runtime?: unknown }, () => createSseTransport({ url: () => api.eventsUrl() })),
);

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const app = new AppState({ api, transport, host: window, storage: localStorageOrNull() });

mount(App, { target: document.getElementById('app')!, props: { app } });
