// The compare table's ValueBox rows: one row per ValueBox of each matched
// card, with the value each run's card shows now (its tree with the newest
// fitting runtime data applied, as the live view shows it). They are built
// here, not by the server, because the card update rule has one
// implementation, cards/native/update.ts; the page and the offline export
// both use this module.

import { LiveTree } from '../cards/native/live';
import { arr, str } from '../cards/native/fields';
import { isObject, type CardTree, type DataPayload } from '../cards/native/types';
import type { Api } from '../lib/api';
import type { CardMatch, CompareRow } from '../lib/schema';

/** The tree a card shows: the HTML's tree with its data applied when it fits (cards/native/live.ts). */
export function shownTree(card: CardTree, token: string | null, data: DataPayload | null): CardTree {
  return new LiveTree().update({ token, card }, data).tree ?? card;
}

/**
 * Calls fn for every component of the card in the order the Go decoder
 * walks it (cards.Card.Walk): depth first, a component before what it
 * nests; only a page's or section's contents, a table's rows of cells and an
 * eventsTimeline's event payloads nest components.
 */
export function walkComponents(tree: CardTree, fn: (c: Record<string, unknown>) => void): void {
  const visit = (c: unknown, depth: number): void => {
    // Deeper trees are refused by the decoder (cards/jsonscan.go maxDepth).
    if (!isObject(c) || depth > 64) return;
    fn(c);
    for (const k of nested(c)) visit(k, depth + 1);
  };
  for (const c of arr(tree.components)) visit(c, 0);
}

function nested(c: Record<string, unknown>): unknown[] {
  switch (c.type) {
    case 'page':
    case 'section':
      return arr(c.contents);
    case 'table':
      return arr(c.data).flatMap((row) => arr(row));
    case 'eventsTimeline':
      return arr(c.events).flatMap((ev) => (isObject(ev) && isObject(ev.payloads) ? Object.values(ev.payloads) : []));
  }
  return [];
}

/** A ValueBox value as the card shows it: a string without its quotes, anything else as JSON. */
export function scalar(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}

/** The ValueBoxes of one tree: name (title, else id, else "value box N") to value. */
function boxesOf(tree: CardTree): Map<string, string> {
  const out = new Map<string, string>();
  let n = 0;
  walkComponents(tree, (c) => {
    if (c.type !== 'valueBox') return;
    n++;
    if (!('value' in c)) return;
    let name = str(c.title) || str(c.id) || `value box ${n}`;
    if (out.has(name)) name = `${name} (${n})`;
    out.set(name, scalar(c.value));
  });
  return out;
}

/** True when the values are not all the same (a missing value differs from any value). */
export function differs(values: (string | null)[]): boolean {
  return values.some((v) => v !== values[0]);
}

/**
 * The ValueBox rows of the matched cards, in card order and, within a card,
 * in the order the runs first show each name. tree(key) is the tree the
 * card of that key shows, or null/undefined when it has none (yet).
 */
export function valueBoxRows(matches: readonly CardMatch[], tree: (key: string) => CardTree | null | undefined): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const m of matches) {
    const per = m.keys.map((k) => {
      const t = k ? tree(k) : null;
      return t ? boxesOf(t) : null;
    });
    const names: string[] = [];
    for (const b of per) for (const name of b?.keys() ?? []) if (!names.includes(name)) names.push(name);
    for (const name of names) {
      const values = per.map((b) => b?.get(name) ?? null);
      rows.push({ group: 'valuebox', name, detail: m.label, values, differs: differs(values) });
    }
  }
  return rows;
}

type CardApi = Pick<Api, 'card' | 'cardData'>;

/**
 * Reads the trees cards show through the API (the description, then its
 * newest runtime data when it has one, as the card panes do) and keeps them
 * per key until forgotten, so a refresh asks only for the cards that changed.
 */
export class ShownTrees {
  readonly #api: CardApi;
  readonly #cache = new Map<string, Promise<CardTree | null>>();

  constructor(api: CardApi) {
    this.#api = api;
  }

  /** The tree of every key (null where a card has none or cannot be read). */
  async load(keys: readonly string[]): Promise<Map<string, CardTree | null>> {
    const wanted = [...new Set(keys.filter(Boolean))];
    const trees = await Promise.all(wanted.map((k) => this.#get(k)));
    return new Map(wanted.map((k, i) => [k, trees[i]]));
  }

  /** Drops the cached trees of keys (all when none given): the next load reads them again. */
  forget(keys?: Iterable<string>): void {
    if (!keys) this.#cache.clear();
    else for (const k of keys) this.#cache.delete(k);
  }

  #get(key: string): Promise<CardTree | null> {
    let p = this.#cache.get(key);
    if (!p) {
      // A failed read (a card caught mid-write, or gone) is not kept: its
      // cells stay empty until the next load tries again.
      const read: Promise<CardTree | null> = this.#read(key).catch(() => {
        if (this.#cache.get(key) === read) this.#cache.delete(key);
        return null;
      });
      p = read;
      this.#cache.set(key, p);
    }
    return p;
  }

  async #read(key: string): Promise<CardTree | null> {
    const d = await this.#api.card(key);
    if (!d.card) return null;
    const data = d.data_token != null ? await this.#api.cardData(key) : null;
    return shownTree(d.card as CardTree, d.token, data);
  }
}
