/// <reference types="node" />
// The card update semantics: the cases of cards/testdata/update_cases.json
// (the oracle of this, the one implementation), then what the cases cannot
// say (copy-on-write, markdown html) and the fixtures.
import { describe, expect, it } from 'vitest';
import { applyToCard, applyUpdate, UpdateError } from './update';
import type { CardTree } from './types';
import { decodeCardHtml, fixturePath, readJson, replayEvents, updateCases } from './testfixtures';
import fs from 'node:fs';
import path from 'node:path';

type Node = Record<string, unknown>;
const decode = (s: string): CardTree => JSON.parse(s) as CardTree;

/** Every component of the tree, table cells and event payloads included. */
function all(card: CardTree): Node[] {
  const out: Node[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Node;
      if (typeof o.type === 'string') out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card.components);
  return out;
}
const find = (card: CardTree, id: string): Node => {
  const c = all(card).find((x) => x.id === id);
  if (!c) throw new Error(`no component ${id}`);
  return c;
};
const field = (card: CardTree, id: string, key: string): string =>
  key in find(card, id) ? JSON.stringify(find(card, id)[key]) : '<missing>';
function apply(card: CardTree, data: string): { card: CardTree; ids: string[] } {
  const r = applyToCard(card, JSON.parse(data));
  return { card: r.value, ids: r.changed };
}

describe('applyUpdate: cards/testdata/update_cases.json', () => {
  const { cards, cases } = updateCases();
  for (const tc of cases) {
    it(tc.name, () => {
      let card = structuredClone(cards[tc.card]) as CardTree;
      tc.steps.forEach((step, i) => {
        const at = `step ${i + 1}`;
        if (step.error) {
          expect(() => applyUpdate(card.components as unknown[], step.data), at).toThrow(UpdateError);
          return;
        }
        const before = card;
        const r = applyToCard(card, step.data);
        card = r.value;
        if (step.changed) expect(r.changed, at).toEqual(step.changed);
        if (step.same) expect(card, at).toBe(before);
        for (const [id, want] of Object.entries(step.fields ?? {})) {
          const found = all(card).filter((c) => c.id === id);
          expect(found.length, `${at}: components ${id}`).toBeGreaterThan(0);
          for (const c of found) for (const [k, v] of Object.entries(want)) expect(c[k], `${at}: ${id}.${k}`).toEqual(v);
        }
        for (const [id, keys] of Object.entries(step.absent ?? {})) {
          for (const k of keys) expect(k in find(card, id), `${at}: ${id}.${k}`).toBe(false);
        }
        for (const [id, keys] of Object.entries(step.keys ?? {})) expect(Object.keys(find(card, id)), at).toEqual(keys);
        for (const [id, n] of Object.entries(step.count ?? {})) expect(all(card).filter((c) => c.id === id), at).toHaveLength(n);
        if (step.card !== undefined) expect(JSON.stringify(card), at).toBe(JSON.stringify(step.card));
      });
    });
  }
});

describe('applyUpdate: what only the TypeScript update does', () => {
  const tree = (): CardTree => structuredClone(updateCases().cards.tree) as CardTree;

  it('keeps markdown html current: new html replaces, a change without html drops it', () => {
    const base = decode(`{"components":[{"type":"markdown","id":"md","source":"# old","html":"<h1>old</h1>"}]}`);
    let { card } = apply(base, `{"md":{"type":"markdown","id":"md","source":"# brand new","html":"<h1>brand new</h1>"}}`);
    expect(field(card, 'md', 'html')).toContain('brand new');
    ({ card } = apply(card, `{"md":{"type":"markdown","id":"md","source":"# newer"}}`));
    expect(field(card, 'md', 'html')).toBe('<missing>');
  });

  it('copies on write: untouched components keep their identity', () => {
    const before = tree();
    const { card } = apply(before, `{"bar":{"id":"bar","value":3}}`);
    expect(find(card, 'chart')).toBe(find(before, 'chart'));
    expect(find(card, 'md')).toBe(find(before, 'md'));
    expect(find(card, 'bar')).not.toBe(find(before, 'bar'));
    expect(find(before, 'bar').value).toBe(1);
  });
});

describe('applyUpdate on the fixtures', () => {
  it('applies the final data of fixtures/live to the mid-run blank card', () => {
    const cardsDir = 'live_midrun/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2';
    const html = fs.readdirSync(fixturePath(cardsDir, 'cards')).find((f) => f.startsWith('blank-live-'))!;
    const mid = decodeCardHtml(fs.readFileSync(fixturePath(cardsDir, 'cards', html), 'utf8'));
    expect(field(mid.card, 'epoch_progress', 'value')).toBe('22');
    const live = readJson(fixturePath(cardsDir.replace('live_midrun', 'live'), 'runtime', html.replace('.html', '.data.json'))) as {
      data: Record<string, Node>;
    };
    const { card, ids } = apply(mid.card, JSON.stringify(live.data));
    expect(live.data.epoch_progress.value).toBe(40);
    expect(field(card, 'epoch_progress', 'value')).toBe('40');
    expect(field(card, 'status_md', 'source')).toBe(JSON.stringify(live.data.status_md.source));
    expect(ids[0]).toBe('status_md');
  });

  it('replays fixtures/live-replay: the progress bar never goes back', () => {
    let card: CardTree | null = null;
    let token = '';
    let last = -1;
    let htmls = 0;
    let datas = 0;
    for (const e of replayEvents()) {
      const base = path.basename(e.path);
      if (!base.startsWith('blank-live-')) continue;
      const body = fs.readFileSync(e.blobPath, 'utf8');
      if (base.endsWith('.html')) {
        htmls++;
        ({ card, token } = decodeCardHtml(body));
        continue;
      }
      datas++;
      const d = JSON.parse(body) as { reload_token: string; data: Record<string, Node> };
      expect(card, `t=${e.t}: data before any HTML`).not.toBeNull();
      expect([token, 'final']).toContain(d.reload_token);
      card = applyToCard(card!, d.data).value;
      const v = find(card, 'epoch_progress').value as number;
      expect(v).toBeGreaterThanOrEqual(last);
      expect(v).toBe(d.data.epoch_progress.value);
      last = v;
    }
    expect([htmls, datas, last]).toEqual([3, 21, 40]);
  });
});
