// Structural sharing between two JSON trees: the result equals `next`, but
// every part equal to the same part of `prev` is prev's object. A new HTML
// for the same card (a task ended, a component was added) then re-renders
// only what changed.

export function reconcile<T>(prev: unknown, next: T): T {
  if (prev === next || prev === null || next === null) return next;
  if (typeof prev !== 'object' || typeof next !== 'object') return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = next.map((v, i) => {
      const r = i < prev.length ? reconcile(prev[i], v) : v;
      if (r !== prev[i]) same = false;
      return r;
    });
    return (same ? prev : out) as T;
  }
  if (Array.isArray(prev)) return next;
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const pk = Object.keys(p);
  const nk = Object.keys(n);
  let same = pk.length === nk.length && pk.every((k, i) => k === nk[i]);
  const out: Record<string, unknown> = {};
  for (const k of nk) {
    const r = Object.hasOwn(p, k) ? reconcile(p[k], n[k]) : n[k];
    out[k] = r;
    if (r !== p[k]) same = false;
  }
  return (same ? p : out) as T;
}
