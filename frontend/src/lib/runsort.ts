// The runs table's user-chosen column sorts. The default order is the
// server's (datastore newerRun) and is never re-sorted here: with no column
// chosen the list is returned as it came.

import type { RunSummary } from './schema';
import { parseTime } from './format';

/** The table's columns. Parameter columns ("param:<name>") are added from the runs' `parameters`. */
export type RunColumn = 'status' | 'id' | 'started' | 'duration' | 'user' | 'tags' | `param:${string}`;

export interface RunSort {
  column: RunColumn;
  dir: 'asc' | 'desc';
}

const STATUS_ORDER: Record<string, number> = { running: 0, failed: 1, unknown: 2, succeeded: 3 };

function durationOf(r: RunSummary, now: number): number | null {
  const s = parseTime(r.started_at);
  if (s === null) return null;
  const e = parseTime(r.finished_at) ?? (r.status === 'running' ? now : null);
  return e === null ? null : e - s;
}

/** The value a column sorts by; null sorts last in either direction. */
export function sortValue(r: RunSummary, column: RunColumn, now: number): string | number | null {
  switch (column) {
    case 'status':
      return STATUS_ORDER[r.status] ?? 9;
    case 'id':
      return /^\d+$/.test(r.id) ? Number(r.id) : r.id;
    case 'started':
      return parseTime(r.started_at);
    case 'duration':
      return durationOf(r, now);
    case 'user':
      return r.user ?? null;
    case 'tags':
      return r.tags.length ? r.tags.join(',') : null;
    default: {
      // Parameter columns: numbers sort as numbers, the rest as text.
      const v = r.parameters?.[column.slice('param:'.length)];
      if (v === undefined || v === null) return null;
      const n = Number(v);
      return v.trim() !== '' && Number.isFinite(n) ? n : v;
    }
  }
}

/** list sorted by sort (stable: ties keep the server's order); null: list itself. */
export function sortRuns(list: readonly RunSummary[], sort: RunSort | null, now = Date.now()): readonly RunSummary[] {
  if (sort === null) return list;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = list.map((r, i) => ({ r, i, v: sortValue(r, sort.column, now) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    if (a.v < b.v) return -sign;
    if (a.v > b.v) return sign;
    return a.i - b.i;
  });
  return keyed.map((k) => k.r);
}

/** Clicking a column: first its natural direction, then the other, then back to the server's order. */
export function nextSort(cur: RunSort | null, column: RunColumn): RunSort | null {
  const first: RunSort['dir'] = column === 'started' || column === 'duration' ? 'desc' : 'asc';
  if (cur === null || cur.column !== column) return { column, dir: first };
  if (cur.dir === first) return { column, dir: first === 'asc' ? 'desc' : 'asc' };
  return null;
}
