// Runs at most one fetch per key at a time: calls for a key that is waiting
// share that run; a call during a run schedules exactly one more after it.
// This turns a burst of change events (a live card writes every 0.5 s, a
// foreach adds hundreds of tasks) into a few requests.

export type TimerFns = {
  setTimeout: (fn: () => void, ms: number) => unknown;
};

const realTimers: TimerFns = { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) };

interface Entry {
  fn: () => Promise<void>;
  started: boolean;
  again: boolean;
  promise: Promise<void>;
}

export class Coalescer {
  readonly #entries = new Map<string, Entry>();
  readonly #delayMs: number;
  readonly #timers: TimerFns;

  constructor(delayMs = 30, timers: TimerFns = realTimers) {
    this.#delayMs = delayMs;
    this.#timers = timers;
  }

  /** Schedules fn under key; resolves when a run that started after this call ends. */
  run(key: string, fn: () => Promise<void>): Promise<void> {
    const existing = this.#entries.get(key);
    if (existing) {
      existing.fn = fn;
      if (existing.started) existing.again = true;
      return existing.promise;
    }
    let resolve!: () => void;
    const entry: Entry = {
      fn,
      started: false,
      again: false,
      promise: new Promise<void>((r) => (resolve = r)),
    };
    this.#entries.set(key, entry);
    const go = async () => {
      entry.started = true;
      do {
        entry.again = false;
        try {
          await entry.fn();
        } catch (err) {
          console.error(`flowdeck: refresh ${key} failed`, err);
        }
      } while (entry.again);
      this.#entries.delete(key);
      resolve();
    };
    if (this.#delayMs <= 0) queueMicrotask(go);
    else this.#timers.setTimeout(go, this.#delayMs);
    return entry.promise;
  }

  get pending(): number {
    return this.#entries.size;
  }
}
