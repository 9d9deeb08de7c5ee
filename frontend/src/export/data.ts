// The data an offline export carries (compare/export.go): the compare
// result (the server's rows: no ValueBox rows) and, per card key, the tree
// of the card's HTML, that HTML's reload token and the card's newest runtime
// data (compare.Snapshot). The renderer applies the data and builds the
// ValueBox rows with the page's own code (compare/valueboxes.ts).

import type { CardTree, DataPayload } from '../cards/native/types';
import { shownTree, valueBoxRows } from '../compare/valueboxes';
import type { CompareResult } from '../lib/schema';

export interface Snapshot {
  tree: CardTree;
  token: string;
  data?: DataPayload;
}

export interface ExportData {
  result: CompareResult;
  trees: Record<string, Snapshot | null>;
  exported_at: string;
}

/** What the renderer shows: the result with the ValueBox rows, and the tree each card shows. */
export interface Shown {
  result: CompareResult;
  trees: Map<string, CardTree>;
  exported_at: string;
}

export const DATA_ID = 'flowdeck-compare';

/** Reads the embedded JSON; null when the file holds none (or it is damaged). */
export function readExport(doc: Document): ExportData | null {
  const el = doc.getElementById(DATA_ID);
  try {
    const d = JSON.parse(el?.textContent ?? '') as ExportData;
    return d && typeof d === 'object' && d.result && Array.isArray(d.result.rows) ? d : null;
  } catch {
    return null;
  }
}

/** Applies each card's data (when it fits its HTML) and adds the ValueBox rows, as the page does. */
export function shown(d: ExportData): Shown {
  const trees = new Map<string, CardTree>();
  for (const [key, s] of Object.entries(d.trees ?? {})) {
    if (s && s.tree) trees.set(key, shownTree(s.tree, s.token, s.data ?? null));
  }
  const rows = [...d.result.rows, ...valueBoxRows(d.result.cards, (k) => trees.get(k))];
  return { result: { ...d.result, rows }, trees, exported_at: d.exported_at };
}
