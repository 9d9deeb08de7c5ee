// What the native view offers the components below it: the lightbox, short
// notices (a copied link), the card's own step (for the DAG) and the shell.

import { getContext, setContext } from 'svelte';
import type { Shell } from './links';

export interface NativeContext {
  openImage(src: string, label: string): void;
  notify(msg: string): void;
  /** The step of the card's task, from metadata.pathspec. */
  step(): string | null;
  shell: Shell;
}

const KEY = Symbol('flowdeck-native');

export function provideNative(ctx: NativeContext): void {
  setContext(KEY, ctx);
}

/** The native view's context; a harmless stand-in outside one (unit tests). */
export function useNative(): NativeContext {
  return (
    getContext<NativeContext | undefined>(KEY) ?? {
      openImage: () => {},
      notify: () => {},
      step: () => null,
      shell: 'window',
    }
  );
}
