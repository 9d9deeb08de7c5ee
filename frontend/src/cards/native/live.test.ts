// How the native view combines the HTML's tree with runtime data: tokens,
// the docs/format.md §12 window, reloads, and identity of untouched components.
import { describe, expect, it } from 'vitest';
import { LiveTree, dataFits, type Base } from './live';
import { reconcile } from './reconcile';
import type { CardTree, DataPayload } from './types';

const card = (value: number, extra: unknown[] = []): CardTree => ({
  metadata: { pathspec: 'F/1/train/2' },
  components: [
    {
      type: 'page',
      title: 'Live',
      contents: [
        {
          type: 'section',
          contents: [
            { type: 'progressBar', id: 'bar', max: 40, value, label: 'Epochs' },
            { type: 'vegaChart', id: 'chart', spec: { mark: 'line', data: { values: [1, 2] } } },
            ...extra,
          ],
        },
      ],
    },
  ],
});
const data = (token: string, value: number, created_on: number): DataPayload => ({
  reload_token: token,
  data: { bar: { type: 'progressBar', id: 'bar', max: 40, value, label: 'Epochs' } },
  created_on,
});
const section = (t: CardTree | null) => ((t!.components as any[])[0].contents[0].contents as any[]);
const bar = (t: CardTree | null) => section(t)[0].value as number;

describe('LiveTree', () => {
  it('applies data of the same token and keeps other components', () => {
    const live = new LiveTree();
    const base: Base = { token: 'runtime-1', card: card(0) };
    const s0 = live.update(base, null);
    expect(bar(s0.tree)).toBe(0);
    const s1 = live.update(base, data('runtime-1', 5, 10));
    expect(bar(s1.tree)).toBe(5);
    expect(s1.changed).toEqual(['bar']);
    expect(section(s1.tree)[1]).toBe(section(s0.tree)[1]);
    expect(live.update(base, s1.applied)).toBe(s1);
  });

  it('holds data of another runtime token until its HTML arrives', () => {
    const live = new LiveTree();
    const a: Base = { token: 'runtime-1', card: card(20) };
    live.update(a, data('runtime-1', 20, 10));
    // The data of a newer layout arrives before the HTML's reload.
    const held = live.update(a, data('runtime-2', 23, 12));
    expect(bar(held.tree)).toBe(20);
    expect(held.pending).toMatch(/runtime-2/);
    // The new HTML (rendered at 22) gets the newest data (23) on top.
    const d = data('runtime-2', 23, 12);
    const s = live.update({ token: 'runtime-2', card: card(22, [{ type: 'markdown', id: 'new', source: 'x' }]) }, d);
    expect(bar(s.tree)).toBe(23);
    expect(section(s.tree)).toHaveLength(3);
    expect(s.pending).toBeNull();
  });

  it('never applies older data of another token onto a new HTML (layout change)', () => {
    const live = new LiveTree();
    const d20 = data('runtime-1', 20, 10);
    live.update({ token: 'runtime-1', card: card(0) }, d20);
    // The HTML re-rendered at epoch 22; the newest data on disk is still 20.
    const s = live.update({ token: 'runtime-2', card: card(22) }, d20);
    expect(bar(s.tree)).toBe(22);
  });

  it('applies final data in place on the runtime HTML (the §11 window)', () => {
    const live = new LiveTree();
    const runtime: Base = { token: 'runtime-2', card: card(22) };
    live.update(runtime, data('runtime-2', 39, 20));
    const fin = data('final', 40, 21);
    const s = live.update(runtime, fin);
    expect(bar(s.tree)).toBe(40);
    // Then the final HTML lands: still 40, never back to an older value.
    const s2 = live.update({ token: 'final', card: card(40) }, fin);
    expect(bar(s2.tree)).toBe(40);
  });

  it('keeps the newest values when the final HTML lands before the final data', () => {
    const live = new LiveTree();
    const d39 = data('runtime-2', 39, 20);
    live.update({ token: 'runtime-2', card: card(22) }, d39);
    const s = live.update({ token: 'final', card: card(40) }, d39);
    expect(bar(s.tree)).toBe(40);
  });

  it('keeps component identity when the same HTML is loaded again', () => {
    const live = new LiveTree();
    const d = data('runtime-1', 7, 10);
    const s1 = live.update({ token: 'runtime-1', card: card(0) }, d);
    const s2 = live.update({ token: 'runtime-1', card: card(0) }, d);
    expect(s2.tree).toBe(s1.tree);
    expect(bar(s2.tree)).toBe(7);
  });

  it('reports data that is not an object of components without dropping the tree', () => {
    const live = new LiveTree();
    const base: Base = { token: 'runtime-1', card: card(3) };
    const s = live.update(base, { reload_token: 'runtime-1', data: [1, 2], created_on: 1 });
    expect(bar(s.tree)).toBe(3);
    expect(s.pending).toMatch(/not an object/);
  });

  it('dataFits follows §10 and §11', () => {
    expect(dataFits('runtime-1', 'runtime-1')).toBe(true);
    expect(dataFits('runtime-1', 'final')).toBe(true);
    expect(dataFits('final', 'runtime-1')).toBe(false);
    expect(dataFits(null, undefined)).toBe(false);
  });
});

describe('reconcile', () => {
  it('shares equal parts and keeps changed ones', () => {
    const prev = { a: { x: 1 }, b: [1, { y: 2 }], c: 'z' };
    const next = { a: { x: 1 }, b: [1, { y: 3 }], c: 'z' };
    const r = reconcile(prev, next);
    expect(r).toEqual(next);
    expect(r.a).toBe(prev.a);
    expect(r.b).not.toBe(prev.b);
    expect(reconcile(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
    expect(reconcile({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual({ b: 2, a: 1 });
  });
});
