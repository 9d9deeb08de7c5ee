// The datastore's status: root, counts, indexing progress, watch mode; and
// whether the server has none open (the welcome screen).

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { DatastoreStatus } from '../lib/schema';

export class DatastoreStore {
  status = $state.raw<DatastoreStatus | null>(null);
  /** The server has no datastore open: show the welcome screen. */
  welcome = $state(false);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  readonly #api: Pick<Api, 'datastore'>;
  #gen = 0;

  constructor(api: Pick<Api, 'datastore'>) {
    this.#api = api;
  }

  /** Indexing progress in [0, 1], or null when indexing is done. */
  get progress(): number | null {
    const ix = this.status?.indexing;
    if (!ix || ix.total <= 0 || ix.done >= ix.total) return null;
    return ix.done / ix.total;
  }

  async load(): Promise<void> {
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const status = await this.#api.datastore();
      if (gen !== this.#gen) return;
      this.status = status;
      this.welcome = false;
      this.error = null;
    } catch (err) {
      if (gen !== this.#gen) return;
      const e = asApiError(err);
      if (e.welcome) {
        this.welcome = true;
        this.status = null;
        this.error = null;
      } else {
        this.error = e;
      }
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** A `status` event carries the /api/datastore body (one without a root changes nothing). */
  applyStatus(status: DatastoreStatus): void {
    if (!status || typeof status.root !== 'string' || status.root === '') return;
    this.#gen++;
    this.loading = false;
    this.status = status;
    this.welcome = false;
    this.error = null;
  }
}
