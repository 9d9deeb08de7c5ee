// The AppState reaches components through Svelte context, never window.

import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';

const KEY = Symbol('flowdeck.app');

export function provideApp(app: AppState): void {
  setContext(KEY, app);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('flowdeck: useApp() outside <App>');
  return app;
}

/** The app when there is one (components usable standalone, e.g. in tests). */
export function maybeApp(): AppState | undefined {
  return getContext<AppState | undefined>(KEY);
}
