// Pure list operations behind the stores: filtering and
// incremental updates that keep unchanged items identical (so keyed each
// blocks leave their rows alone).

import type { RunSummary, Status } from './schema';

export interface RunFilter {
  status: Status | 'all';
  tag: string;
  text: string;
}

export const NO_FILTER: RunFilter = { status: 'all', tag: '', text: '' };

/** Replaces the item with the same key in place; returns list itself when absent. */
export function replaceItem<T>(list: readonly T[], item: T, key: (t: T) => string): readonly T[] {
  const k = key(item);
  const i = list.findIndex((x) => key(x) === k);
  if (i < 0) return list;
  const out = list.slice();
  out[i] = item;
  return out;
}

export function removeItem<T>(list: readonly T[], k: string, key: (t: T) => string): readonly T[] {
  const out = list.filter((x) => key(x) !== k);
  return out.length === list.length ? list : out;
}

/** Structural equality for JSON values (API objects). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The fresh list, reusing each old item that did not change. */
export function reconcile<T>(old: readonly T[], fresh: readonly T[], key: (t: T) => string): T[] {
  const byKey = new Map(old.map((x) => [key(x), x]));
  return fresh.map((x) => {
    const prev = byKey.get(key(x));
    return prev !== undefined && jsonEqual(prev, x) ? prev : x;
  });
}

export function runMatches(run: RunSummary, f: RunFilter): boolean {
  if (f.status !== 'all' && run.status !== f.status) return false;
  if (f.tag !== '' && !run.tags.includes(f.tag) && !run.system_tags.includes(f.tag)) return false;
  const text = f.text.trim().toLowerCase();
  if (text === '') return true;
  return text.split(/\s+/).every((word) => {
    const param = matchParameter(run, word);
    if (param !== null) return param;
    if (run.id.toLowerCase().includes(word)) return true;
    if ((run.user ?? '').toLowerCase().includes(word)) return true;
    if (run.status === word) return true;
    return run.tags.some((t) => t.toLowerCase().includes(word));
  });
}

/** A parameter value as typed in a filter: without the quotes of a string. */
function bareValue(v: string): string {
  return /^'.*'$|^".*"$/.test(v) && v.length >= 2 ? v.slice(1, -1) : v;
}

/**
 * Matches a filter word against the run's parameters: "name=value" (the
 * value equal, numbers compared as numbers) or "name:value" (the value
 * contains it). null when the word names no parameter of the run, so that
 * "team:ml" still finds tags.
 */
function matchParameter(run: RunSummary, word: string): boolean | null {
  const m = /^([^=:]+)([=:])(.*)$/.exec(word);
  if (m === null) return null;
  const params = run.parameters ?? {};
  const key = Object.keys(params).find((k) => k.toLowerCase() === m[1]);
  if (key === undefined) return m[2] === '=' ? false : null;
  const have = bareValue(params[key]).toLowerCase();
  const want = bareValue(m[3]);
  if (m[2] === ':') return have.includes(want);
  if (have === want) return true;
  const a = Number(have);
  const b = Number(want);
  return want !== '' && have !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

export function filterRuns(list: readonly RunSummary[], f: RunFilter): readonly RunSummary[] {
  if (f.status === 'all' && f.tag === '' && f.text.trim() === '') return list;
  return list.filter((r) => runMatches(r, f));
}

/** The user tags present in list, sorted, for the tag filter. */
export function collectTags(list: readonly RunSummary[]): string[] {
  const tags = new Set<string>();
  for (const r of list) for (const t of r.tags) tags.add(t);
  return [...tags].sort();
}

export function countByStatus(list: readonly RunSummary[]): Record<Status, number> {
  const out: Record<Status, number> = { running: 0, succeeded: 0, failed: 0, unknown: 0 };
  for (const r of list) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}
