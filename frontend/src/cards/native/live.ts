// What the native view shows: the card tree of the HTML on disk with the
// newest runtime data applied on top (docs/format.md §12).
//
// The store hands in the newest card description and the newest data JSON
// (it never replaces data with older data: see stores/card.svelte.ts). Here:
// - data is applied only when its token is the HTML's, or "final" (§11: the
//   final data can land up to 1.4 s before the final HTML; it is applied in
//   place on the runtime tree instead of showing the HTML's older values);
//   data of another runtime token belongs to a newer HTML and waits for it,
//   as Metaflow's viewer reloads instead of applying it;
// - successive data is applied onto what is shown (Metaflow's page mutates
//   its tree in place, so keys only some updates carry stay);
// - a new HTML restarts from its tree plus the newest fitting data, and is
//   reconciled with what was shown, so components whose JSON did not change
//   keep their identity and are not re-rendered (a chart does not flicker).

import { applyToCard } from './update';
import { reconcile } from './reconcile';
import type { CardTree, DataPayload } from './types';

export interface Base {
  /** The HTML's reload token (null for raw JSON cards). */
  token: string | null;
  card: CardTree;
}

export interface LiveState {
  tree: CardTree | null;
  /** The data JSON applied on top of the HTML's tree, if any. */
  applied: DataPayload | null;
  /** Why the newest data is not shown (token of a newer HTML, bad data). */
  pending: string | null;
  /** Ids the last step changed (empty on a new HTML). */
  changed: string[];
}

/** True when data written for token `dataToken` may be applied on HTML `htmlToken`. */
export function dataFits(htmlToken: string | null, dataToken: unknown): boolean {
  return typeof dataToken === 'string' && (dataToken === htmlToken || dataToken === 'final');
}

export class LiveTree {
  #base: Base | null = null;
  #data: DataPayload | null = null;
  #state: LiveState = { tree: null, applied: null, pending: null, changed: [] };

  /**
   * Moves to (base, data) and returns what to show. Same inputs return the
   * same state object; base and data are compared by identity.
   */
  update(base: Base | null, data: DataPayload | null): LiveState {
    if (base === this.#base && data === this.#data) return this.#state;
    const rebase = base?.card !== this.#base?.card || base?.token !== this.#base?.token;
    this.#base = base;
    this.#data = data;
    if (!base) {
      this.#state = { tree: null, applied: null, pending: null, changed: [] };
      return this.#state;
    }
    const start = rebase ? base.card : (this.#state.tree ?? base.card);
    const applied = rebase ? null : this.#state.applied;
    let next: LiveState = { tree: start, applied, pending: null, changed: [] };
    if (data && data !== applied) next = this.#apply(next, base, data);
    if (rebase) next = { ...next, tree: reconcile(this.#state.tree, next.tree), changed: [] };
    this.#state = next;
    return next;
  }

  #apply(s: LiveState, base: Base, data: DataPayload): LiveState {
    if (!dataFits(base.token, data.reload_token)) {
      return { ...s, pending: `data for ${String(data.reload_token)} waits for its HTML` };
    }
    try {
      const r = applyToCard(s.tree ?? base.card, data.data);
      return { tree: r.value, applied: data, pending: null, changed: r.changed };
    } catch (err) {
      return { ...s, pending: err instanceof Error ? err.message : String(err) };
    }
  }
}
