// Metaflow's metaflow_card_update (docs/format.md §12) over the JSON tree the
// API sends: the one implementation of the card update rule, checked against
// cards/testdata/update_cases.json. It mutates copy-on-write: every component
// or list the update changes is a new object and everything else keeps its
// identity, so the Svelte view re-renders exactly the components an update
// touched (a chart nobody updated keeps its Vega view) and a caller can tell
// "changed" from "same" with ===.

import { isObject, type CardTree } from './types';

/** The data of a runtime data JSON that is not an object of components. */
export class UpdateError extends Error {
  override readonly name = 'UpdateError';
}

export interface UpdateResult<T> {
  /** The updated value; the very same object when nothing changed. */
  value: T;
  /** Ids whose component changed, in data order, once each. */
  changed: string[];
}

/**
 * Applies data onto a list of components:
 * - each value of data, in order, updates the component with the same "id";
 *   values that are not objects or have no string id are skipped;
 * - the search looks at one list at a time: the first component of the list
 *   with that id is updated and the search stops there; if none matches it
 *   goes on in every page's and section's contents, so an id present in two
 *   sections updates both; table cells and event payloads are never searched;
 * - the merge is Object.assign (keys of the update replace, others stay);
 * - a vegaChart takes a new spec only when JSON.stringify differs, takes
 *   "data" only when it has truthy data already, and nothing else;
 * - ids that are not found are ignored.
 */
export function applyUpdate(components: readonly unknown[], data: unknown): UpdateResult<readonly unknown[]> {
  if (!isObject(data)) throw new UpdateError('data is not an object of components');
  let level = components;
  const changed: string[] = [];
  for (const upd of Object.values(data)) {
    if (!isObject(upd) || typeof upd.id !== 'string') continue;
    const next = applyAt(level, upd.id, upd);
    if (next !== level) {
      level = next;
      if (!changed.includes(upd.id)) changed.push(upd.id);
    }
  }
  return { value: level, changed };
}

/** applyUpdate on a whole card: metadata stays, components are updated. */
export function applyToCard(card: CardTree, data: unknown): UpdateResult<CardTree> {
  const comps = Array.isArray(card.components) ? card.components : [];
  const r = applyUpdate(comps, data);
  return { value: r.value === comps ? card : { ...card, components: r.value }, changed: r.changed };
}

// findAndMutateTree of Metaflow's card UI over one list; returns level itself
// when nothing changed.
function applyAt(level: readonly unknown[], id: string, upd: Record<string, unknown>): readonly unknown[] {
  const at = level.findIndex((c) => isObject(c) && c.id === id);
  if (at >= 0) {
    const c = level[at] as Record<string, unknown>;
    const merged = c.type === 'vegaChart' ? mergeChart(c, upd) : merge(c, upd);
    return merged === c ? level : replaced(level, at, merged);
  }
  let out = level;
  level.forEach((c, i) => {
    if (!isObject(c) || (c.type !== 'page' && c.type !== 'section') || !Array.isArray(c.contents)) return;
    const contents = applyAt(c.contents, id, upd);
    if (contents !== c.contents) out = replaced(out, i, { ...c, contents });
  });
  return out;
}

function replaced(level: readonly unknown[], i: number, v: unknown): unknown[] {
  const copy = level.slice();
  copy[i] = v;
  return copy;
}

// Object.assign(c, upd), or c itself when it would change nothing.
function merge(c: Record<string, unknown>, upd: Record<string, unknown>): Record<string, unknown> {
  const changed = Object.keys(upd).some((k) => !(k in c) || !jsonEqual(c[k], upd[k]));
  if (!changed) return c;
  const out = { ...c, ...upd };
  // The API renders markdown to "html" on the Go side; an update that changes
  // a markdown without sending new html must not leave the old text showing.
  if (c.type === 'markdown' && 'html' in c && !('html' in upd)) delete out.html;
  return out;
}

// mutateChartElement of Metaflow's card UI.
function mergeChart(c: Record<string, unknown>, upd: Record<string, unknown>): Record<string, unknown> {
  let out = c;
  if (truthy(c.data) && 'data' in upd && !jsonEqual(c.data, upd.data)) out = { ...out, data: upd.data };
  if ('spec' in upd && !jsonEqual(c.spec, upd.spec)) out = { ...out, spec: upd.spec };
  return out;
}

/** JSON.stringify equality: key order matters, number spelling does not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function truthy(v: unknown): boolean {
  return Boolean(v);
}
