// The live card summaries of a foreach dashboard's tiles. The tasks come
// from the open run's store (run.svelte.ts keeps them live); this store
// keeps, per task, its main card (the task's first_card: datastore.FirstCard)
// and the summary of that card's tree as the native view would show it.
//
// Only tiles in view load and follow their card: a 1,000-task foreach
// writes ~1,000 data JSONs a second, and fetching each would swamp the page.
// A change to a card off screen marks its tile stale; the tile fetches again
// when it scrolls into view. Per card at most one fetch runs at a time
// (Coalescer), and a summary reaches the screen at most once per frame
// (FrameBatcher).

import { asApiError, type Api } from '../lib/api';
import { createdOn } from '../lib/carddata';
import type { CardData, Change, TaskSummary } from '../lib/schema';
import { LiveTree, type Base } from '../cards/native/live';
import { summarize, type TileSummary } from '../cards/native/summary';
import { Coalescer } from './coalesce';
import { FrameBatcher, type FrameFn } from './frame';

type DashApi = Pick<Api, 'card' | 'cardData'>;

/** How many tiles load at once when every tile's values are wanted (sorting). */
const FILL_CONCURRENCY = 4;

export class Tile {
  /** The summary on screen; null until the card is read. */
  summary = $state.raw<TileSummary | null>(null);
  /** Why the card could not be read, if it could not. */
  error = $state<string | null>(null);
  readonly task: string;
  key: string | null;
  visible = false;
  /** A change arrived while the tile was not in view (or not loaded). */
  stale = true;
  base: Base | null = null;
  data: CardData | null = null;
  readonly live = new LiveTree();
  gen = 0;

  constructor(task: string, key: string | null) {
    this.task = task;
    this.key = key;
  }
}

export class DashboardStore {
  /** "flow/run/step" of the open dashboard, or null. */
  step = $state<string | null>(null);
  /** Bumped in each frame that changed summaries (what sorting by a value reads). */
  version = $state(0);
  /** Bumped when a tile is replaced outside sync (a card adopted from its event). */
  tilesChanged = $state(0);
  readonly #api: DashApi;
  readonly #tiles = new Map<string, Tile>();
  readonly #byCard = new Map<string, Tile>();
  /** A card of each task seen in the event stream, for tasks whose row names none yet. */
  readonly #seenCard = new Map<string, string>();
  readonly #co = new Coalescer(0);
  readonly #frame: FrameFn | undefined;
  #batch: FrameBatcher<Tile, TileSummary>;
  #filling = false;

  constructor(api: DashApi, frame?: FrameFn) {
    this.#api = api;
    this.#frame = frame;
    this.#batch = this.#newBatch();
  }

  #newBatch(): FrameBatcher<Tile, TileSummary> {
    return new FrameBatcher<Tile, TileSummary>((batch) => {
      for (const [tile, s] of batch) tile.summary = s;
      this.version++;
    }, this.#frame);
  }

  /** Opens the dashboard of a step (or closes it with null). */
  open(step: string | null): void {
    if (step === this.step) return;
    this.step = step;
    this.#batch.stop();
    this.#batch = this.#newBatch();
    this.#tiles.clear();
    this.#byCard.clear();
    this.#seenCard.clear();
    this.#filling = false;
  }

  /** The tile of a task; tiles follow the tasks of the step (see sync). */
  tile(task: string): Tile | undefined {
    return this.#tiles.get(task);
  }

  /** Makes one tile per task, keyed by its main card; a new main card (a retry) starts the tile over. */
  sync(tasks: readonly TaskSummary[]): void {
    for (const t of tasks) {
      const key = t.first_card ?? this.#seenCard.get(t.id) ?? null;
      let tile = this.#tiles.get(t.id);
      // A card adopted from its card_added event stays until the task row
      // (refetched less often) names one.
      if (tile && (tile.key === key || (key === null && tile.key !== null))) continue;
      if (tile?.key) this.#byCard.delete(tile.key);
      const visible = tile?.visible ?? false;
      tile = new Tile(t.id, key);
      tile.visible = visible;
      this.#tiles.set(t.id, tile);
      if (key) this.#byCard.set(key, tile);
      if (visible) void this.#load(tile);
    }
  }

  /** The tasks whose tiles are in view now; tiles coming into view load if stale. */
  setVisible(tasks: readonly string[]): void {
    const now = new Set(tasks);
    for (const tile of this.#tiles.values()) {
      const was = tile.visible;
      tile.visible = now.has(tile.task);
      if (tile.visible && !was && tile.stale) void this.#load(tile);
    }
  }

  /** Loads every tile not read yet, a few at a time (to sort by a card value). */
  async fillAll(): Promise<void> {
    if (this.#filling) return;
    this.#filling = true;
    const step = this.step;
    const todo = [...this.#tiles.values()].filter((t) => t.summary === null && t.key !== null);
    const worker = async () => {
      for (let t = todo.shift(); t && this.step === step; t = todo.shift()) {
        if (t.summary === null) await this.#load(t);
      }
    };
    await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
    if (this.step === step) this.#filling = false;
  }

  applyChange(c: Change): void {
    if (this.step === null || c.card == null) return;
    if (c.kind !== 'card_removed' && c.task != null && `${c.flow}/${c.run}/${c.step}` === this.step) this.#adopt(c.task, c.card);
    const tile = this.#byCard.get(c.card);
    if (!tile) return;
    if (c.kind === 'card_data_changed') {
      const held = tile.data ? createdOn(tile.data) : null;
      if (held !== null && typeof c.created_on === 'number' && c.created_on <= held) return;
      if (!tile.visible || tile.base === null) {
        tile.stale = true;
        return;
      }
      void this.#co.run(`data ${c.card}`, () => this.#loadData(tile));
      return;
    }
    if (c.kind === 'card_added' || c.kind === 'card_html_changed' || c.kind === 'card_removed') {
      tile.stale = true;
      if (tile.visible) void this.#load(tile);
    }
  }

  // A task row names its main card (first_card) only once the run store
  // refetches it after the card's first event, which can race the index;
  // until a row names one, the tile follows the first card the stream
  // names for its task (datastore.FirstCard of a task with one card).
  #adopt(task: string, key: string): void {
    if (!this.#seenCard.has(task)) this.#seenCard.set(task, key);
    const old = this.#tiles.get(task);
    if (!old || old.key !== null) return;
    const tile = new Tile(task, key);
    tile.visible = old.visible;
    this.#tiles.set(task, tile);
    this.#byCard.set(key, tile);
    this.tilesChanged++;
  }

    /** After a reconnect or rescan: tiles in view read again, others when they come into view. */
  refresh(): void {
    for (const tile of this.#tiles.values()) {
      tile.stale = true;
      if (tile.visible) void this.#load(tile);
    }
  }

  #load(tile: Tile): Promise<void> {
    const key = tile.key;
    if (key === null) {
      tile.stale = false;
      return Promise.resolve();
    }
    return this.#co.run(`card ${key}`, async () => {
      if (this.#tiles.get(tile.task) !== tile) return;
      const gen = ++tile.gen;
      tile.stale = false;
      try {
        const d = await this.#api.card(key);
        if (gen !== tile.gen) return;
        tile.base = { token: d.token, card: d.card ?? { components: [] } };
        tile.error = null;
        if (d.data_token != null) await this.#loadData(tile);
        else this.#show(tile);
      } catch (err) {
        if (gen !== tile.gen) return;
        tile.error = asApiError(err).message;
        tile.stale = true;
      }
    });
  }

  async #loadData(tile: Tile): Promise<void> {
    const key = tile.key;
    if (key === null) return;
    let d: CardData | null;
    try {
      d = await this.#api.cardData(key);
    } catch {
      // Caught mid-write or gone: the next change fetches again.
      tile.stale = true;
      return;
    }
    // Never back in time (docs/format.md §12): older data than held is dropped.
    const held = tile.data ? createdOn(tile.data) : null;
    const got = d ? createdOn(d) : null;
    if (d && !(held !== null && got !== null && got <= held)) tile.data = d;
    this.#show(tile);
  }

  #show(tile: Tile): void {
    const st = tile.live.update(tile.base, tile.data);
    const next = summarize(st.tree);
    // An update that changed nothing the tile shows costs no render.
    if (tile.summary !== null && JSON.stringify(tile.summary) === JSON.stringify(next)) return;
    this.#batch.push(tile, next);
  }
}
