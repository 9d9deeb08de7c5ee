// Toasts: short messages with an optional action, e.g. "Run 12 failed · Open".

export type Tone = 'info' | 'success' | 'error';

export interface Notice {
  id: number;
  tone: Tone;
  text: string;
  action?: { label: string; run: () => void };
}

export class Notices {
  items = $state.raw<Notice[]>([]);
  #next = 1;
  readonly #setTimeout: (fn: () => void, ms: number) => unknown;

  constructor(setTimeout: (fn: () => void, ms: number) => unknown = (fn, ms) => globalThis.setTimeout(fn, ms)) {
    this.#setTimeout = setTimeout;
  }

  /** Shows a notice for timeoutMs (0: until dismissed); returns its id. */
  push(n: Omit<Notice, 'id'>, timeoutMs = 8000): number {
    const id = this.#next++;
    this.items = [...this.items, { ...n, id }].slice(-5);
    if (timeoutMs > 0) this.#setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  dismiss(id: number): void {
    if (this.items.some((n) => n.id === id)) this.items = this.items.filter((n) => n.id !== id);
  }
}
