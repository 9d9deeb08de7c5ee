// A fake window for the router: setting location.hash fires hashchange, as in a browser.

import type { RouterHost } from '../stores/router.svelte';

export function fakeHost(initial = '') {
  const listeners = new Set<() => void>();
  let hash = initial;
  const history: string[] = [initial];
  const host: RouterHost = {
    location: {
      get hash() {
        return hash;
      },
      set hash(v: string) {
        hash = v.startsWith('#') ? v : `#${v}`;
        history.push(hash);
        for (const l of [...listeners]) l();
      },
    },
    history: {
      replaceState(_d: unknown, _u: string, url?: string) {
        if (url !== undefined) hash = url;
        history[history.length - 1] = hash;
      },
    },
    addEventListener: (_t, fn) => listeners.add(fn),
    removeEventListener: (_t, fn) => listeners.delete(fn),
  };
  /** Simulates the back button. */
  const back = () => {
    history.pop();
    hash = history[history.length - 1] ?? '';
    for (const l of [...listeners]) l();
  };
  return { host, history, back, listeners };
}
