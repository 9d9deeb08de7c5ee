/// <reference types="node" />
// The cases of cards/update_test.go (TestApplyUpdateSemantics, the live
// fixture and the replay), run against the TypeScript update.
import { describe, expect, it } from 'vitest';
import { applyToCard, applyUpdate, UpdateError } from './update';
import type { CardTree } from './types';
import { decodeCardHtml, fixturePath, readJson, replayEvents } from './testfixtures';
import fs from 'node:fs';
import path from 'node:path';

// A small tree with every place an id can hide (the Go test's updateCard).
const updateCard = `{"metadata":{"pathspec":"F/1/s/1"},"components":[
 {"type":"title","text":"top"},
 {"type":"progressBar","id":"top_bar","max":10,"value":1,"label":"L"},
 {"type":"page","title":"P","contents":[
  {"type":"section","contents":[
   {"type":"markdown","id":"md","source":"# old"},
   {"type":"progressBar","id":"bar","max":10,"value":1,"label":"keep","unit":"u"},
   {"type":"table","id":"tbl","columns":["a"],"data":[[{"type":"markdown","id":"cell_md","source":"cell"}]]},
   {"type":"eventsTimeline","id":"tl","events":[{"payloads":{"p":{"type":"markdown","id":"payload_md","source":"p"}}}]},
   {"type":"vegaChart","id":"chart","spec":{"mark":"bar","data":{"values":[1.0,2]}},"options":{"actions":false}},
   {"type":"vegaChart","id":"chart_data","spec":{"mark":"line"},"options":{},"data":{"values":[1]}},
   {"type":"section","contents":[{"type":"valueBox","id":"dup","value":1}]},
   {"type":"section","contents":[{"type":"valueBox","id":"dup","value":1}]}
  ]}]}]}`;

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

describe('applyUpdate semantics (cards/update_test.go)', () => {
  it('merges by id at top level', () => {
    const { card, ids } = apply(decode(updateCard), `{"k":{"type":"progressBar","id":"top_bar","value":5}}`);
    expect(ids).toEqual(['top_bar']);
    expect(field(card, 'top_bar', 'value')).toBe('5');
    expect(field(card, 'top_bar', 'label')).toBe('"L"');
  });

  it('reaches nested pages and sections, reporting ids in data order', () => {
    const { card, ids } = apply(
      decode(updateCard),
      `{"bar":{"type":"progressBar","id":"bar","value":7},"md":{"type":"markdown","id":"md","source":"# new"}}`,
    );
    expect(ids).toEqual(['bar', 'md']);
    expect(field(card, 'bar', 'value')).toBe('7');
    expect(field(card, 'md', 'source')).toBe('"# new"');
  });

  it('is a shallow Object.assign that keeps key order', () => {
    let { card } = apply(
      decode(updateCard),
      `{"bar":{"label":"new","value":9,"id":"bar","details":"d","max":{"nested":1}}}`,
    );
    expect(Object.keys(find(card, 'bar')).join(',')).toBe('type,id,max,value,label,unit,details');
    expect(field(card, 'bar', 'unit')).toBe('"u"');
    expect(field(card, 'bar', 'max')).toBe('{"nested":1}');
    ({ card } = apply(card, `{"bar":{"id":"bar","max":{"other":2}}}`));
    expect(field(card, 'bar', 'max')).toBe('{"other":2}');
  });

  it('never looks inside table cells or event payloads', () => {
    let { card, ids } = apply(
      decode(updateCard),
      `{"a":{"id":"cell_md","source":"changed"},"b":{"id":"payload_md","source":"changed"}}`,
    );
    expect(ids).toEqual([]);
    expect(field(card, 'cell_md', 'source')).toBe('"cell"');
    expect(field(card, 'payload_md', 'source')).toBe('"p"');
    // A table sent whole replaces its cells.
    ({ card } = apply(card, `{"tbl":{"type":"table","id":"tbl","data":[[{"type":"markdown","id":"cell_md","source":"new cell"}]]}}`));
    expect(field(card, 'cell_md', 'source')).toBe('"new cell"');
  });

  it('ignores unknown ids and junk values', () => {
    const before = decode(updateCard);
    const { card, ids } = apply(before, `{"x":{"id":"nope","value":1},"y":5,"z":{"value":2},"w":{"id":7},"v":null}`);
    expect(ids).toEqual([]);
    expect(card).toBe(before);
  });

  it('replaces a vega spec only when it differs', () => {
    // The same spec as JSON.stringify sees it (1.0 is 1), other spacing: kept.
    let { card, ids } = apply(
      decode(updateCard),
      `{"chart":{"type":"vegaChart","id":"chart","spec":{"mark": "bar", "data": {"values": [1, 2.0]}},"options":{"actions":true}}}`,
    );
    expect(ids).toEqual([]);
    expect(field(card, 'chart', 'spec')).toBe('{"mark":"bar","data":{"values":[1,2]}}');
    // Options and other keys are not merged into a vegaChart.
    expect(field(card, 'chart', 'options')).toBe('{"actions":false}');
    // Key order matters to JSON.stringify: replaced.
    ({ card, ids } = apply(card, `{"chart":{"id":"chart","spec":{"data":{"values":[1,2]},"mark":"bar"}}}`));
    expect(ids).toEqual(['chart']);
    expect(field(card, 'chart', 'spec')).toBe('{"data":{"values":[1,2]},"mark":"bar"}');
    ({ card, ids } = apply(card, `{"chart":{"id":"chart","spec":{"mark":"line"},"data":{"values":[9]}}}`));
    expect(ids).toEqual(['chart']);
    expect(field(card, 'chart', 'spec')).toBe('{"mark":"line"}');
    // data is copied only into a chart that has truthy data.
    expect(field(card, 'chart', 'data')).toBe('<missing>');
    ({ card } = apply(card, `{"d":{"id":"chart_data","spec":{"mark":"line"},"data":{"values":[2]}}}`));
    expect(field(card, 'chart_data', 'data')).toBe('{"values":[2]}');
  });

  it('updates the first match of a list, else every section', () => {
    let { card, ids } = apply(decode(updateCard), `{"dup":{"id":"dup","value":2}}`);
    expect(all(card).filter((c) => c.id === 'dup' && c.value === 2)).toHaveLength(2);
    expect(ids).toEqual(['dup']);
    // Found at the top level, the search does not go deeper.
    ({ card } = apply(
      decode(`{"components":[{"type":"text","id":"x","text":"a"},{"type":"page","contents":[{"type":"text","id":"x","text":"a"}]}]}`),
      `{"x":{"id":"x","text":"b"}}`,
    ));
    expect(JSON.stringify(card)).toBe(
      `{"components":[{"type":"text","id":"x","text":"b"},{"type":"page","contents":[{"type":"text","id":"x","text":"a"}]}]}`,
    );
  });

  it('reports no change for unchanged values and keeps identity', () => {
    const before = decode(updateCard);
    const { card, ids } = apply(before, `{"bar":{"id":"bar","value":1}}`);
    expect(ids).toEqual([]);
    expect(card).toBe(before);
  });

  it('lets an update add nested components that later updates reach', () => {
    let { card } = apply(decode(`{"components":[{"type":"section","id":"s","contents":[]}]}`), `{"s":{"id":"s","contents":[{"type":"markdown","id":"new","source":"x"}]}}`);
    ({ card } = apply(card, `{"new":{"id":"new","source":"y"}}`));
    expect(field(card, 'new', 'source')).toBe('"y"');
  });

  it('keeps markdown html current: new html replaces, a change without html drops it', () => {
    const base = decode(`{"components":[{"type":"markdown","id":"md","source":"# old","html":"<h1>old</h1>"}]}`);
    let { card } = apply(base, `{"md":{"type":"markdown","id":"md","source":"# brand new","html":"<h1>brand new</h1>"}}`);
    expect(field(card, 'md', 'html')).toContain('brand new');
    ({ card } = apply(card, `{"md":{"type":"markdown","id":"md","source":"# newer"}}`));
    expect(field(card, 'md', 'html')).toBe('<missing>');
  });

  it('refuses data that is not an object, and finds nothing in a custom card', () => {
    const card = decode(updateCard);
    for (const d of [[1], 's', null, 3]) expect(() => applyUpdate(card.components as unknown[], d)).toThrow(UpdateError);
    expect(apply(card, `{"user":{"epoch":4},"components":{}}`).ids).toEqual([]);
  });

  it('copies on write: untouched components keep their identity', () => {
    const before = decode(updateCard);
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
