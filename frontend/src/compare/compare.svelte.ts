// The compare page's rows and card matches (GET /api/flows/{flow}/compare),
// fetched on open and again, at most every REFETCH_MS, while a compared run
// changes: a live run's status, duration and ValueBox cells follow it.

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { Change, CompareResult } from '../lib/schema';
import { Coalescer } from '../stores/coalesce';

/** The shortest time between two refetches of the rows. */
export const REFETCH_MS = 600;

export class CompareStore {
  result = $state.raw<CompareResult | null>(null);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);
  /** Counts the loads that changed the rows, for views and tests. */
  version = $state(0);
  readonly #api: Pick<Api, 'compare'>;
  readonly #co: Coalescer;
  #flow = '';
  #runs: string[] = [];
  #steps: string[] | undefined;
  #gen = 0;

  constructor(api: Pick<Api, 'compare'>, co = new Coalescer(REFETCH_MS)) {
    this.#api = api;
    this.#co = co;
  }

  open(flow: string, runs: string[], steps?: string[]): Promise<void> {
    this.#flow = flow;
    this.#runs = runs;
    this.#steps = steps;
    this.result = null;
    this.error = null;
    return this.load();
  }

  async load(): Promise<void> {
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const r = await this.#api.compare(this.#flow, this.#runs, this.#steps);
      if (gen !== this.#gen) return;
      this.result = r;
      this.error = null;
      this.version++;
    } catch (err) {
      if (gen === this.#gen) this.error = asApiError(err);
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** Refetches (throttled) when the change concerns a compared run. */
  applyChange(c: Change): Promise<void> {
    if (c.kind === 'rescanned' || (c.flow === this.#flow && c.run != null && this.#runs.includes(c.run))) {
      return this.#co.run('compare', () => this.load());
    }
    return Promise.resolve();
  }
}
