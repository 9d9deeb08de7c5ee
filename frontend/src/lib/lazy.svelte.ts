// Components the first screen does not need, loaded on first use as their
// own chunks (a dynamic import()), so the app's first script stays small:
// the cold open (docs/benchmarks.md) waits for that script before it can
// draw a row. The module system keeps each import, so a component is
// fetched once; `current` is null until it has arrived.

import type { Component } from 'svelte';

export interface Lazy<P extends Record<string, unknown>> {
  /** The component once loaded, else null (reading it starts the load). */
  readonly current: Component<P> | null;
  /** The load error, if the chunk could not be fetched. */
  readonly error: Error | null;
  /** Starts the load (e.g. when the app is idle); resolves once loaded. */
  preload(): Promise<void>;
}

export function lazy<P extends Record<string, unknown>>(load: () => Promise<{ default: Component<P> }>): Lazy<P> {
  let value = $state.raw<Component<P> | null>(null);
  let error = $state.raw<Error | null>(null);
  let started: Promise<void> | null = null;
  const preload = () =>
    (started ??= load().then(
      (m) => {
        value = m.default;
        error = null;
      },
      (err: unknown) => {
        // A failed fetch may be retried by the next reader.
        started = null;
        error = err instanceof Error ? err : new Error(String(err));
      },
    ));
  return {
    get current() {
      // After a failure only preload() (a retry button) tries again: a
      // reader re-rendering on the error must not retry in a loop.
      if (value === null && started === null && error === null) void preload();
      return value;
    },
    get error() {
      return error;
    },
    preload,
  };
}

/** Preloads once the browser is idle after the first screen (or at once without requestIdleCallback). */
export function preloadWhenIdle(...items: Pick<Lazy<Record<string, never>>, 'preload'>[]): void {
  const run = () => items.forEach((l) => void l.preload());
  if (typeof window !== 'undefined' && typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(run, { timeout: 2000 });
  } else {
    setTimeout(run, 0);
  }
}
