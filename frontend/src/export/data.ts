// The data an offline export carries: the compare result and, per card key,
// the card's tree with its newest runtime data applied (compare.Snapshot).

import type { CardTree } from '../cards/native/types';
import type { CompareResult } from '../lib/schema';

export interface ExportData {
  result: CompareResult;
  trees: Record<string, CardTree | null>;
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
