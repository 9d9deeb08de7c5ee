// The orders of a foreach dashboard's tiles: by a task field, or by a value
// of its card's summary (a progress bar's fraction or a value box's number,
// named by label). Tiles without the value go last in either direction, so
// "highest first" never starts with the tasks not read yet.

import { progressOf, type TileSummary } from '../cards/native/summary';
import { elapsed } from './format';
import type { Status, TaskSummary } from './schema';

export type SortKey = 'index' | 'id' | 'status' | 'duration' | 'line' | `bar:${string}` | `value:${string}`;

export interface SortRow {
  task: TaskSummary;
  summary: TileSummary | null;
}

const STATUS_ORDER: Record<Status, number> = { failed: 0, running: 1, unknown: 2, succeeded: 3 };

/** True when the key reads card values (every tile must be read to sort by it). */
export function readsCards(key: SortKey): boolean {
  return key === 'line' || key.startsWith('bar:') || key.startsWith('value:');
}

function idCmp(a: string, b: string): number {
  const x = Number(a), y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function valueOf(r: SortRow, key: SortKey, now: number): number | string | null {
  const t = r.task;
  switch (key) {
    case 'index':
      return t.foreach_index;
    case 'id':
      return null;
    case 'status':
      return STATUS_ORDER[t.status] ?? 9;
    case 'duration':
      return t.started_at ? elapsed(t.started_at, t.finished_at, t.status === 'running', now) : null;
    case 'line':
      return r.summary?.line ?? null;
  }
  if (key.startsWith('bar:')) return progressOf(r.summary, key.slice(4));
  const label = key.slice(6);
  return r.summary?.values.find((v) => v.label === label)?.num ?? null;
}

/** rows sorted by key (desc: highest first); ties and missing values keep task id order. */
export function sortRows<T extends SortRow>(rows: readonly T[], key: SortKey, desc: boolean, now = Date.now()): T[] {
  const keyed = rows.map((r) => ({ r, v: valueOf(r, key, now) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) {
      if (a.v !== b.v) return a.v === null ? 1 : -1;
      return idCmp(a.r.task.id, b.r.task.id) * (key === 'id' && desc ? -1 : 1);
    }
    let c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
    if (desc) c = -c;
    return c !== 0 ? c : idCmp(a.r.task.id, b.r.task.id);
  });
  return keyed.map((k) => k.r);
}

/** The sort keys the loaded summaries offer: one per progress bar and value box label. */
export function cardKeys(summaries: Iterable<TileSummary | null>): SortKey[] {
  const bars = new Set<string>(), values = new Set<string>();
  for (const s of summaries) {
    if (!s) continue;
    for (const b of s.bars) bars.add(b.label);
    for (const v of s.values) values.add(v.label);
  }
  return [...[...bars].map((l) => `bar:${l}` as const), ...[...values].map((l) => `value:${l}` as const)];
}
