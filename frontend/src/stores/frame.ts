// At most one update per key per animation frame: values pushed between two
// frames replace each other and are applied together in the next frame. A
// foreach dashboard gets a card change per task per second; painting each
// one as it lands would re-render a tile several times between two frames
// and flood the main thread with 1,000 tasks.

export type FrameFn = (cb: () => void) => unknown;

const realFrame: FrameFn = (cb) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => cb()) : setTimeout(cb, 16);

export class FrameBatcher<K, V> {
  #pending = new Map<K, V>();
  #scheduled = false;
  #stopped = false;
  readonly #apply: (batch: Map<K, V>) => void;
  readonly #frame: FrameFn;

  constructor(apply: (batch: Map<K, V>) => void, frame: FrameFn = realFrame) {
    this.#apply = apply;
    this.#frame = frame;
  }

  /** Queues v for k; the newest value per key is applied in the next frame. */
  push(k: K, v: V): void {
    if (this.#stopped) return;
    this.#pending.set(k, v);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#frame(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#stopped || this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#apply(batch);
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Drops what is queued and ignores later pushes. */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
  }
}
