// Runs per flow in the server's order (newest first; the server owns it),
// with the run list's filters. Change events update one run at a time: a
// changed run replaces its own row, a new run reloads the list; every other row keeps its
// object, so keyed each blocks leave it alone.

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { Change, RunDetail, RunSummary, Status } from '../lib/schema';
import {
  NO_FILTER,
  collectTags,
  countByStatus,
  filterRuns,
  removeItem,
  reconcile,
  replaceItem,
  type RunFilter,
} from '../lib/runlist';
import { Coalescer } from './coalesce';

type RunsApi = Pick<Api, 'runs' | 'run'>;

/** A run's list fields from a run detail (its steps dropped). */
export function toSummary(detail: RunDetail): RunSummary {
  const { steps: _steps, dag: _dag, failures: _failures, cards_found_in: _cards, ...summary } = detail;
  return summary;
}

const runKey = (r: RunSummary) => r.id;

/** The runs of one flow. */
export class FlowRuns {
  items = $state.raw<RunSummary[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  /** Events may have been missed (stream dropped while not shown): reload when shown. */
  stale = false;
  readonly visible: readonly RunSummary[] = $derived.by(() => filterRuns(this.items, this.#filter()));
  readonly tags: string[] = $derived(collectTags(this.items));
  readonly counts: Record<Status, number> = $derived(countByStatus(this.items));
  readonly #filter: () => RunFilter;

  constructor(
    readonly flow: string,
    filter: () => RunFilter,
  ) {
    this.#filter = filter;
  }

  get(id: string): RunSummary | undefined {
    return this.items.find((r) => r.id === id);
  }

  /** Some runs are not read yet (the index is still loading them). */
  get hasUnloaded(): boolean {
    return this.items.some((r) => r.loaded === false);
  }

  /** What a runs list (the sidebar's or the flow page's table) says when
   *  no row shows; "" on an error, which the list shows in its place. */
  get emptyText(): string {
    if (this.error) return '';
    if (!this.loaded) return 'Loading runs…';
    return this.items.length === 0 ? 'No runs yet.' : 'No run matches the filters.';
  }
}

export class RunsStore {
  filter = $state<RunFilter>({ ...NO_FILTER });
  readonly #flows = new Map<string, FlowRuns>();
  readonly #api: RunsApi;
  readonly #co: Coalescer;
  readonly #gens = new Map<string, number>();

  constructor(api: RunsApi, co = new Coalescer(30)) {
    this.#api = api;
    this.#co = co;
  }

  /** The runs of flow (created empty on first use; load() fills it). */
  forFlow(flow: string): FlowRuns {
    let fr = this.#flows.get(flow);
    if (!fr) {
      fr = new FlowRuns(flow, () => this.filter);
      this.#flows.set(flow, fr);
    }
    return fr;
  }

  setFilter(patch: Partial<RunFilter>): void {
    this.filter = { ...this.filter, ...patch };
  }

  /** Loads flow's runs unless they are loaded and current. */
  show(flow: string): Promise<void> {
    const fr = this.forFlow(flow);
    if (fr.loaded && !fr.stale) return Promise.resolve();
    return this.load(flow);
  }

  async load(flow: string): Promise<void> {
    const fr = this.forFlow(flow);
    const gen = (this.#gens.get(flow) ?? 0) + 1;
    this.#gens.set(flow, gen);
    fr.loading = true;
    fr.stale = false;
    try {
      const runs = await this.#api.runs(flow);
      if (this.#gens.get(flow) !== gen) return;
      fr.items = reconcile(fr.items, runs, runKey);
      fr.loaded = true;
      fr.error = null;
    } catch (err) {
      if (this.#gens.get(flow) === gen) fr.error = asApiError(err);
    } finally {
      if (this.#gens.get(flow) === gen) fr.loading = false;
    }
  }

  /** After a reconnect: every cached flow but `shown` reloads when next shown. */
  markStale(shown: string | undefined): void {
    for (const fr of this.#flows.values()) if (fr.flow !== shown && fr.loaded) fr.stale = true;
  }

  /** Fetches one run and puts it in its place; on failure reloads the flow. */
  #refreshRun(flow: string, id: string): Promise<void> {
    return this.#co.run(`run:${flow}/${id}`, async () => {
      const fr = this.#flows.get(flow);
      if (!fr?.loaded) return;
      const gen = this.#gens.get(flow);
      try {
        if (!fr.get(id)) {
          // A new run: its place in the order is the server's to say
          // (datastore newerRun), so the list is fetched again.
          await this.#co.run(`flow:${flow}`, () => this.load(flow));
          return;
        }
        const detail = await this.#api.run(flow, id, { limit: 0 });
        if (this.#gens.get(flow) !== gen) return; // a full reload overtook us
        fr.items = replaceItem(fr.items, toSummary(detail), runKey) as RunSummary[];
      } catch (err) {
        if (asApiError(err).notFound) {
          fr.items = removeItem(fr.items, id, runKey) as RunSummary[];
          return;
        }
        await this.#co.run(`flow:${flow}`, () => this.load(flow));
      }
    });
  }

  applyChange(c: Change): Promise<void> {
    if (c.flow == null) return Promise.resolve();
    const fr = this.#flows.get(c.flow);
    if (!fr?.loaded) return Promise.resolve();
    switch (c.kind) {
      case 'run_added':
      case 'run_changed': {
        if (c.run == null) return Promise.resolve();
        const row = fr.get(c.run);
        // Show the new status at once; the fetch brings the rest.
        if (row && c.status && row.status !== c.status) {
          fr.items = replaceItem(fr.items, { ...row, status: c.status }, runKey) as RunSummary[];
        }
        return this.#refreshRun(c.flow, c.run);
      }
      case 'run_removed':
        if (c.run != null) fr.items = removeItem(fr.items, c.run, runKey) as RunSummary[];
        return Promise.resolve();
      case 'flow_removed':
        fr.items = [];
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  }

  /** While the index loads runs, their rows say "loading": reload the shown flow now and then. */
  refreshUnloaded(flow: string): Promise<void> {
    const fr = this.#flows.get(flow);
    if (!fr?.loaded || !fr.hasUnloaded) return Promise.resolve();
    return this.#co.run(`flow:${flow}`, () => this.load(flow));
  }
}
