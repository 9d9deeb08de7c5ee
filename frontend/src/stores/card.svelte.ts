// The selected card: its description from /api/cards/{key}, its newest
// runtime data from /api/cards/{key}/data, and the changes that concern it.
// Card views (src/cards/) read `detail` and `data`, or subscribe with
// onChange; htmlVersion and dataVersion count the changes for views that just
// need to redraw.
//
// `data` never goes back in time (docs/format.md §12: never show values older than
// the newest on disk): a response replaces it only when its created_on is
// later (or, for data without created_on, when its request was sent later),
// so a slow response cannot undo a newer one.

import { asApiError, type Api, type ApiError } from '../lib/api';
import { createdOn } from '../lib/carddata';
import { makeChange } from '../lib/change';
import type { CardData, CardDetail, Change } from '../lib/schema';
import type { Unsubscribe } from '../lib/transport';
import { Coalescer } from './coalesce';

// cardData is optional so that views without live data can be tested alone.
type CardApi = Pick<Api, 'card'> & Partial<Pick<Api, 'cardData'>>;
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
  /**
   * The key names no card the server knows, and none was shown under it: a
   * link to a card that does not exist (another datastore's, a mistyped
   * one), or one a live task has not written yet (card_added loads it).
   */
  missing = $state(false);
  /** The newest runtime data JSON of the card (null: none on disk, or not loaded yet). */
  data = $state.raw<CardData | null>(null);
  /**
   * False from opening a card until its data is known (fetched, none on
   * disk, or the card is final): a view that waits for it never shows the
   * HTML's older values first.
   */
  dataReady = $state(false);
  readonly #api: CardApi;
  readonly #co: Coalescer;
  readonly #listeners = new Set<CardListener>();
  readonly #now: () => number;
  #gen = 0;
  #dataGen = 0;
  /** Request order of the data shown, for data without created_on. */
  #dataSeq = 0;
  #dataReqs = 0;

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
    this.missing = false;
    this.changedAt = null;
    this.loading = false;
    this.#resetData();
    if (key === null) return Promise.resolve();
    // Fetch on open (data changes sent before now are not replayed): the
    // description first, which says whether a data JSON exists (asking for a
    // missing one is a 404, which browsers log as an error).
    return this.load();
  }

  #resetData(): void {
    this.#dataGen++;
    this.data = null;
    this.dataReady = false;
    this.#dataSeq = 0;
  }

  /** Fetches the newest data JSON; keeps it only if it is newer than the one held. */
  async loadData(): Promise<void> {
    const key = this.key;
    const fetchData = this.#api.cardData;
    if (key === null || !fetchData) return;
    const gen = this.#dataGen;
    const seq = ++this.#dataReqs;
    let d: CardData | null;
    try {
      d = await fetchData(key);
    } catch (err) {
      // A data JSON caught mid-write or gone: the next change fetches again.
      if (gen === this.#dataGen) {
        console.warn('flowdeck: card data', asApiError(err).message);
        this.dataReady = true;
      }
      return;
    }
    if (gen !== this.#dataGen) return;
    this.dataReady = true;
    if (d === null || !this.#newer(d, seq)) return;
    this.data = d;
    this.#dataSeq = seq;
    this.#reloadIfAhead(d);
  }

  #newer(d: CardData, seq: number): boolean {
    const cur = this.data;
    if (cur === null) return true;
    const a = createdOn(d);
    const b = createdOn(cur);
    if (a !== null && b !== null) return a > b;
    return seq > this.#dataSeq;
  }

  // Data of a token the loaded HTML does not have was written for a newer
  // HTML (docs/format.md §12 reloads the page then); fetch it unless a load that
  // will see it is already running. "final" data fits any HTML (§11).
  #reloadIfAhead(d: CardData): void {
    const det = this.detail;
    if (!det || det.kind !== 'template' || this.loading) return;
    // A final HTML is the newest there is: runtime data next to it is older.
    if (d.reload_token === det.token || d.reload_token === 'final' || det.token === 'final') return;
    void this.#co.run('card', () => this.load());
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
      this.missing = false;
      const hasData = detail.data_token != null && this.#api.cardData !== undefined;
      if (this.data === null && hasData) void this.#co.run('data', () => this.loadData());
      // A final card's HTML holds its final values (the task no longer
      // changes them), so nothing newer can come from its data: show it now.
      if (!hasData || detail.final) this.dataReady = true;
    } catch (err) {
      if (gen !== this.#gen) return;
      const e = asApiError(err);
      this.error = e;
      // Gone if it was shown; never there if not.
      if (e.notFound && this.detail !== null) this.removed = true;
      else if (e.notFound) this.missing = true;
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** After a reconnect or rescan: reload and let views refetch their data. */
  refresh(): Promise<void> {
    if (this.key === null) return Promise.resolve();
    this.#emit(makeChange('rescanned', { card: this.key }));
    this.htmlVersion++;
    this.dataVersion++;
    const reload = this.load();
    return this.data === null ? reload : Promise.all([reload, this.#co.run('data', () => this.loadData())]).then(() => undefined);
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
    if (c.kind === 'card_data_changed') {
      // The description only needs the data's token and time (refetching it
      // would re-send the whole tree); the data itself is fetched unless the
      // one held is already as new.
      const d = this.detail;
      if (d) {
        const updated = typeof c.created_on === 'number' ? new Date(c.created_on * 1000).toISOString() : d.updated_at;
        const dataToken = c.token ?? d.data_token;
        // Final once both tokens are (docs/api.md); the final data often
        // lands after the final HTML, which was loaded as not final yet.
        const final = d.token === 'final' && dataToken === 'final';
        this.detail = { ...d, data_token: dataToken, updated_at: updated, final, live: d.live && !final };
      }
      const held = this.data ? createdOn(this.data) : null;
      if (held !== null && typeof c.created_on === 'number' && c.created_on <= held) return Promise.resolve();
      return this.#co.run('data', () => this.loadData());
    }
    return this.#co.run('card', () => this.load());
  }
}
