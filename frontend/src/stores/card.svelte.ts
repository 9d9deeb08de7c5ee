// The selected card: its description from /api/cards/{key}, and the changes
// that concern it. Card views (src/cards/) subscribe with onChange to apply
// data updates themselves; htmlVersion and dataVersion count the changes for
// views that just need to redraw.

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { CardDetail, Change } from '../lib/schema';
import type { Unsubscribe } from '../lib/transport';
import { Coalescer } from './coalesce';

type CardApi = Pick<Api, 'card'>;
export type CardListener = (change: Change) => void;

const CARD_KINDS = new Set(['card_added', 'card_html_changed', 'card_data_changed', 'card_removed', 'card_error']);

export class CardStore {
  key = $state<string | null>(null);
  detail = $state.raw<CardDetail | null>(null);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  /** Bumped when the card's HTML changed (a new render): reload the frame. */
  htmlVersion = $state(0);
  /** Bumped when the card's runtime data changed. */
  dataVersion = $state(0);
  /** When the newest change arrived (ms), or null. */
  changedAt = $state<number | null>(null);
  /** The card file is gone (its task was cleaned up or re-run). */
  removed = $state(false);
  readonly #api: CardApi;
  readonly #co: Coalescer;
  readonly #listeners = new Set<CardListener>();
  readonly #now: () => number;
  #gen = 0;

  constructor(api: CardApi, co = new Coalescer(0), now: () => number = Date.now) {
    this.#api = api;
    this.#co = co;
    this.#now = now;
  }

  /** Calls listener with every change of the selected card; keep and call the result. */
  onChange(listener: CardListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  select(key: string | null): Promise<void> {
    if (key === this.key) return Promise.resolve();
    this.#gen++;
    this.key = key;
    this.detail = null;
    this.error = null;
    this.removed = false;
    this.changedAt = null;
    this.loading = false;
    if (key === null) return Promise.resolve();
    return this.load();
  }

  async load(): Promise<void> {
    const key = this.key;
    if (key === null) return;
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const detail = await this.#api.card(key);
      if (gen !== this.#gen) return;
      this.detail = detail;
      this.error = null;
      this.removed = false;
    } catch (err) {
      if (gen !== this.#gen) return;
      const e = asApiError(err);
      this.error = e;
      if (e.notFound) this.removed = true;
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** After a reconnect or rescan: reload and let views refetch their data. */
  refresh(): Promise<void> {
    if (this.key === null) return Promise.resolve();
    this.#emit({ kind: 'rescanned', card: this.key });
    this.htmlVersion++;
    this.dataVersion++;
    return this.load();
  }

  #emit(c: Change): void {
    for (const l of [...this.#listeners]) {
      try {
        l(c);
      } catch (err) {
        console.error('flowdeck: card listener failed', err);
      }
    }
  }

  /** The task path ("flow/run/step/task") of the selected card, when known. */
  get taskPath(): string | null {
    return this.detail?.task ?? null;
  }

  applyChange(c: Change): Promise<void> {
    const key = this.key;
    if (key === null) return Promise.resolve();
    if (c.kind === 'task_changed') {
      // The task ending turns a live card into a final or left-over one.
      const path = `${c.flow}/${c.run}/${c.step}/${c.task}`;
      return path === this.taskPath ? this.#co.run('card', () => this.load()) : Promise.resolve();
    }
    if (!CARD_KINDS.has(c.kind) || c.card !== key) return Promise.resolve();
    this.changedAt = this.#now();
    if (c.kind === 'card_html_changed' || c.kind === 'card_added') this.htmlVersion++;
    if (c.kind === 'card_data_changed') this.dataVersion++;
    if (c.kind === 'card_removed') this.removed = true;
    this.#emit(c);
    if (c.kind === 'card_removed') return Promise.resolve();
    if (c.kind === 'card_data_changed' && this.detail) {
      // The data JSON is the card view's business; the description only
      // needs its token and time (refetching it would re-send the whole tree).
      const d = this.detail;
      const updated = typeof c.created_on === 'number' ? new Date(c.created_on * 1000).toISOString() : d.updated_at;
      this.detail = { ...d, data_token: c.token ?? d.data_token, updated_at: updated };
      return Promise.resolve();
    }
    return this.#co.run('card', () => this.load());
  }
}
