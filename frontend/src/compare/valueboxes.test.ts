/// <reference types="node" />
// The compare table's ValueBox rows, built in TypeScript from the trees the
// cards show (the server used to build them with a Go twin of the update
// rule): the naming rule, the walk order, the values as the card shows them
// with its newest fitting runtime data, on the Metaflow fixtures.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CardTree, DataPayload } from '../cards/native/types';
import { decodeCardHtml, fixturePath, readJson } from '../cards/native/testfixtures';
import type { CardData, CardDetail, CardMatch } from '../lib/schema';
import { cardDetail } from '../testing/fakes';
import { differs, ShownTrees, shownTree, valueBoxRows, walkComponents } from './valueboxes';

const match = (label: string, keys: string[]): CardMatch => ({ step: 'train', type: 'blank', id: 'live', foreach_index: -1, label, keys });
const box = (over: Record<string, unknown>) => ({ type: 'valueBox', ...over });

/** The HTML's card and token, and the runtime data, of a fixture card file. */
function fixtureCard(fixture: string, taskDir: string, prefix: string): { token: string; card: CardTree; data: DataPayload | null } {
  const dir = fixturePath(fixture, '.metaflow', 'mf.cards', taskDir);
  const html = fs.readdirSync(path.join(dir, 'cards')).find((f) => f.startsWith(prefix) && f.endsWith('.html'));
  if (!html) throw new Error(`no ${prefix} card in ${dir}`);
  const data = fs.existsSync(path.join(dir, 'runtime'))
    ? fs.readdirSync(path.join(dir, 'runtime')).find((f) => f.startsWith(prefix) && f.endsWith('.data.json'))
    : undefined;
  return {
    ...decodeCardHtml(fs.readFileSync(path.join(dir, 'cards', html), 'utf8')),
    data: data ? (readJson(path.join(dir, 'runtime', data)) as DataPayload) : null,
  };
}
const LIVE_TASK = 'LiveCardFlow/runs/1795642679591111/steps/train/tasks/2';

describe('valueBoxRows', () => {
  it('names a box by its title, else its id, else its place; a repeated name gets the place', () => {
    const tree: CardTree = {
      components: [
        box({ id: 'a', title: 'Loss', value: 0.5 }),
        box({ id: 'acc', value: 'high' }),
        box({ value: 3 }),
        box({ id: 'b', title: 'Loss', value: 0.25 }),
        box({ id: 'nothing', title: 'No value' }),
        box({ title: '', id: 7, value: true }),
      ],
    };
    const rows = valueBoxRows([match('train · blank#live', ['k'])], () => tree);
    expect(rows.map((r) => [r.name, r.values[0]])).toEqual([
      ['Loss', '0.5'],
      ['acc', 'high'],
      ['value box 3', '3'],
      ['Loss (4)', '0.25'],
      ['value box 6', 'true'],
    ]);
    expect(rows.every((r) => r.group === 'valuebox' && r.detail === 'train · blank#live' && !r.differs)).toBe(true);
  });

  it('walks like the Go decoder: depth first, into contents, table cells and event payloads only', () => {
    const tree: CardTree = {
      components: [
        {
          type: 'section',
          contents: [box({ title: 'in section', value: 1 }), { type: 'page', contents: [box({ title: 'in page', value: 2 })] }],
        },
        { type: 'table', data: [['x', box({ title: 'in cell', value: 3 })], 'not a row'] },
        { type: 'eventsTimeline', events: [{ payloads: { p: box({ title: 'in payload', value: 4 }) } }] },
        // Nothing else nests components: a markdown's children, a table's
        // header, a section's "children" are not walked.
        { type: 'markdown', contents: [box({ title: 'hidden', value: 0 })] },
        { type: 'table', headers: [box({ title: 'hidden too', value: 0 })], data: 'not rows' },
        box({ title: 'last', value: 5 }),
      ],
    };
    const seen: string[] = [];
    walkComponents(tree, (c) => seen.push(String(c.type)));
    expect(seen).toEqual(['section', 'valueBox', 'page', 'valueBox', 'table', 'valueBox', 'eventsTimeline', 'valueBox', 'markdown', 'table', 'valueBox']);
    const rows = valueBoxRows([match('c', ['k'])], () => tree);
    expect(rows.map((r) => r.name)).toEqual(['in section', 'in page', 'in cell', 'in payload', 'last']);
  });

  it('shows values as the card does: a string without quotes, a number as JSON', () => {
    const tree: CardTree = { components: [box({ title: 's', value: '=1+1' }), box({ title: 'n', value: 1e21 }), box({ title: 'o', value: { a: [1] } }), box({ title: 'z', value: null })] };
    expect(valueBoxRows([match('c', ['k'])], () => tree).map((r) => r.values[0])).toEqual(['=1+1', '1e+21', '{"a":[1]}', 'null']);
  });

  it('has one value per run, null where the run has no card, no tree or no such box; names in first-seen order', () => {
    const a: CardTree = { components: [box({ title: 'Loss', value: 1 }), box({ title: 'Acc', value: 0.5 })] };
    const b: CardTree = { components: [box({ title: 'Extra', value: 9 }), box({ title: 'Loss', value: 1 })] };
    const trees: Record<string, CardTree | null> = { a, b, none: null };
    const rows = valueBoxRows([match('m', ['a', '', 'b', 'none', 'gone'])], (k) => trees[k]);
    expect(rows.map((r) => [r.name, r.values, r.differs])).toEqual([
      ['Loss', ['1', null, '1', null, null], true],
      ['Acc', ['0.5', null, null, null, null], true],
      ['Extra', [null, null, '9', null, null], true],
    ]);
    const same = valueBoxRows([match('m', ['a', 'a'])], (k) => trees[k]);
    expect(same.map((r) => r.differs)).toEqual([false, false]);
    expect(differs([null, null])).toBe(false);
    expect(differs(['1', '1', null])).toBe(true);
  });

  it('Metaflow fixtures: the components card and the live card as the page shows them', () => {
    const comp = fixtureCard('components', 'ComponentsFlow/runs/1795642631175149/steps/start/tasks/1', 'blank-components');
    const rows = valueBoxRows([match('start · blank#components', ['c'])], () => shownTree(comp.card, comp.token, comp.data));
    expect(rows.map((r) => [r.name, r.values[0]])).toContainEqual(['Accuracy', '0.93']);

    // Mid-run and finished: the Loss row differs and shows each card's data.
    const mid = fixtureCard('live_midrun', LIVE_TASK, 'blank-live');
    const end = fixtureCard('live', LIVE_TASK, 'blank-live');
    const shown: Record<string, CardTree> = { mid: shownTree(mid.card, mid.token, mid.data), end: shownTree(end.card, end.token, end.data) };
    const [loss] = valueBoxRows([match('train · blank#live', ['mid', 'end'])], (k) => shown[k]);
    expect(loss).toEqual({ group: 'valuebox', name: 'Loss', detail: 'train · blank#live', values: ['0.1643', '0.0684'], differs: true });
  });

  it('the newest data wins over the HTML when it fits (its token, or final), never otherwise', () => {
    const mid = fixtureCard('live_midrun', LIVE_TASK, 'blank-live');
    const end = fixtureCard('live', LIVE_TASK, 'blank-live');
    const loss = (t: CardTree) => valueBoxRows([match('m', ['k'])], () => t)[0].values[0];
    // The final data on the mid-run HTML: the final value, not the HTML's.
    expect(loss(mid.card)).toBe('0.1643');
    expect(loss(shownTree(mid.card, mid.token, end.data))).toBe('0.0684');
    // Mid-run data (another token) on the final HTML waits for its HTML.
    expect(loss(shownTree(end.card, end.token, mid.data))).toBe('0.0684');
    const mine = { reload_token: mid.token, data: { loss_box: { type: 'valueBox', id: 'loss_box', value: 0.5 } } };
    expect(loss(shownTree(mid.card, mid.token, mine))).toBe('0.5');
    expect(loss(shownTree(mid.card, 'another', mine))).toBe('0.1643');
    // Data that is not an object of components leaves the tree as written.
    expect(loss(shownTree(mid.card, mid.token, { reload_token: mid.token, data: [1] }))).toBe('0.1643');
    // The tree the fixture holds is not changed.
    expect(loss(mid.card)).toBe('0.1643');
  });
});

describe('ShownTrees', () => {
  const tree = (v: number) => ({ components: [box({ id: 'b', title: 'B', value: v })] as unknown[] });
  function setup(details: Record<string, Partial<CardDetail>>, data: Record<string, CardData | null> = {}) {
    const api = {
      card: vi.fn(async (key: string) => {
        if (!(key in details)) throw new Error(`no card ${key}`);
        return cardDetail({ key, ...details[key] });
      }),
      cardData: vi.fn(async (key: string) => data[key] ?? null),
    };
    return { api, trees: new ShownTrees(api) };
  }
  const value = (t: CardTree | null | undefined) => (t ? valueBoxRows([match('m', ['k'])], () => t)[0]?.values[0] : undefined);

  it('reads each key once, its data only when it has some, and applies the data that fits', async () => {
    const { api, trees } = setup(
      { a: { card: tree(1), token: 't1', data_token: 't1' }, b: { card: tree(2), token: 't2', data_token: null }, c: { card: tree(3), token: 't3', data_token: 'newer' }, text: { card: null, kind: 'text' } },
      {
        a: { reload_token: 't1', data: { b: { id: 'b', value: 10 } }, created_on: 1 },
        c: { reload_token: 'newer', data: { b: { id: 'b', value: 30 } }, created_on: 1 },
      },
    );
    const got = await trees.load(['a', 'b', '', 'c', 'a', 'text']);
    expect([...got.keys()]).toEqual(['a', 'b', 'c', 'text']);
    expect([value(got.get('a')), value(got.get('b')), value(got.get('c'))]).toEqual(['10', '2', '3']);
    expect(got.get('text')).toBeNull();
    expect(api.card).toHaveBeenCalledTimes(4);
    expect(api.cardData.mock.calls.map((c) => c[0])).toEqual(['a', 'c']);
    await trees.load(['a', 'b', 'c', 'text']);
    expect(api.card).toHaveBeenCalledTimes(4);
  });

  it('reads again only what was forgotten, and retries what failed', async () => {
    const details: Record<string, Partial<CardDetail>> = { a: { card: tree(1) }, b: { card: tree(2) } };
    const { api, trees } = setup(details);
    await trees.load(['a', 'b', 'gone']);
    details.a = { card: tree(5) };
    details.gone = { card: tree(7) };
    trees.forget(['a']);
    const got = await trees.load(['a', 'b', 'gone']);
    expect([value(got.get('a')), value(got.get('b')), value(got.get('gone'))]).toEqual(['5', '2', '7']);
    expect(api.card.mock.calls.map((c) => c[0])).toEqual(['a', 'b', 'gone', 'a', 'gone']);
    trees.forget();
    await trees.load(['a', 'b']);
    expect(api.card).toHaveBeenCalledTimes(7);
  });
});
