// Finding components in card trees for the compare page: charts and
// progress bars keyed by their id, else by their place among the
// components of their type (the card's alignment rule).

import { arr } from '../cards/native/fields';
import { isComp, type CardTree, type Comp } from '../cards/native/types';

/** Components of `type` in tree order, keyed by id or "#n". */
export function componentsOf(tree: CardTree | null | undefined, type: string): Map<string, Comp> {
  const out = new Map<string, Comp>();
  if (!tree) return out;
  let n = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || !isComp(v)) return;
    if (v.type === type) {
      n++;
      const key = typeof v.id === 'string' && v.id !== '' ? v.id : `#${n}`;
      if (!out.has(key)) out.set(key, v);
    }
    for (const k of ['contents', 'children']) for (const c of arr(v[k])) walk(c, depth + 1);
  };
  for (const c of arr(tree.components)) walk(c, 0);
  return out;
}

/** The keys of several maps, in first-seen order. */
export function unionKeys(maps: Map<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const m of maps) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  return keys;
}
