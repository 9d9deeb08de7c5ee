// The flows of the datastore, sorted by name (as the API returns them).

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { Change, Flow } from '../lib/schema';
import { reconcile } from '../lib/runlist';
import { Coalescer } from './coalesce';

const FLOW_KINDS = new Set(['flow_added', 'flow_removed', 'run_added', 'run_removed']);

export class FlowsStore {
  items = $state.raw<Flow[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  readonly #api: Pick<Api, 'flows'>;
  readonly #co: Coalescer;
  #gen = 0;

  constructor(api: Pick<Api, 'flows'>, co = new Coalescer(150)) {
    this.#api = api;
    this.#co = co;
  }

  get(name: string): Flow | undefined {
    return this.items.find((f) => f.name === name);
  }

  async load(): Promise<void> {
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const flows = await this.#api.flows();
      if (gen !== this.#gen) return;
      this.items = reconcile(this.items, flows, (f) => f.name);
      this.loaded = true;
      this.error = null;
    } catch (err) {
      if (gen === this.#gen) this.error = asApiError(err);
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** Flow rows carry run counts and the latest run: a cheap, coalesced reload. */
  applyChange(c: Change): Promise<void> {
    if (!FLOW_KINDS.has(c.kind)) return Promise.resolve();
    return this.#co.run('flows', () => this.load());
  }
}
