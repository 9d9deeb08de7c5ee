// The compare page's rows and card matches (GET /api/flows/{flow}/compare),
// fetched on open and again, at most every REFETCH_MS, while a compared run
// changes: a live run's status, duration and ValueBox cells follow it.
//
// The server sends the run, parameter and artifact rows; the ValueBox rows
// are built here from the trees the matched cards show (valueboxes.ts), and
// follow them after the server rows. A card's tree is read once and again
// only when a change names that card (or after a rescan).

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { Change, CompareResult, CompareRow } from '../lib/schema';
import { Coalescer } from '../stores/coalesce';
import { ShownTrees, valueBoxRows } from './valueboxes';

/** The shortest time between two refetches of the rows. */
export const REFETCH_MS = 600;

export class CompareStore {
  /** The comparison; its rows are the server's followed by the ValueBox rows. */
  result = $state.raw<CompareResult | null>(null);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);
  /** Counts the loads that changed the rows, for views and tests. */
  version = $state(0);
  readonly #api: Pick<Api, 'compare' | 'card' | 'cardData'>;
  readonly #co: Coalescer;
  readonly #trees: ShownTrees;
  /** The ValueBox rows last built, shown with new server rows until rebuilt. */
  #boxes: CompareRow[] = [];
  #flow = '';
  #runs: string[] = [];
  #steps: string[] | undefined;
  #gen = 0;

  constructor(api: Pick<Api, 'compare' | 'card' | 'cardData'>, co = new Coalescer(REFETCH_MS)) {
    this.#api = api;
    this.#co = co;
    this.#trees = new ShownTrees(api);
  }

  open(flow: string, runs: string[], steps?: string[]): Promise<void> {
    this.#flow = flow;
    this.#runs = runs;
    this.#steps = steps;
    this.result = null;
    this.error = null;
    this.#boxes = [];
    return this.load();
  }

  async load(): Promise<void> {
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const r = await this.#api.compare(this.#flow, this.#runs, this.#steps);
      if (gen !== this.#gen) return;
      this.result = { ...r, rows: [...r.rows, ...this.#boxes] };
      this.error = null;
      this.version++;
      const trees = await this.#trees.load(r.cards.flatMap((c) => c.keys));
      if (gen !== this.#gen) return;
      this.#boxes = valueBoxRows(r.cards, (k) => trees.get(k));
      this.result = { ...r, rows: [...r.rows, ...this.#boxes] };
      this.version++;
    } catch (err) {
      if (gen === this.#gen) this.error = asApiError(err);
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /**
   * Refetches (throttled) when the change concerns a compared run; the card
   * it names (every card, after a rescan) is read again.
   */
  applyChange(c: Change): Promise<void> {
    if (c.kind === 'rescanned') this.#trees.forget();
    else if (c.flow === this.#flow && c.run != null && this.#runs.includes(c.run)) {
      if (c.card != null) this.#trees.forget([c.card]);
    } else return Promise.resolve();
    return this.#co.run('compare', () => this.load());
  }
}
