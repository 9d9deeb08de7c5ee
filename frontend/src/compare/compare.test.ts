// The compare store: the server's rows followed by the ValueBox rows built
// from the cards, refreshed when a compared run's card changes, reading only
// the card a change names.
import { describe, expect, it, vi } from 'vitest';
import { makeChange } from '../lib/change';
import type { CardDetail, CompareResult, CompareRow } from '../lib/schema';
import { Coalescer } from '../stores/coalesce';
import { cardDetail } from '../testing/fakes';
import { CompareStore } from './compare.svelte';

const server: CompareRow[] = [
  { group: 'run', name: 'status', values: ['succeeded', 'running'], differs: true },
  { group: 'parameter', name: 'lr', values: ['0.1', '0.2'], differs: true },
];
const result = (): CompareResult => ({
  flow: 'F',
  runs: [{ id: '1' }, { id: '2' }] as CompareResult['runs'],
  steps: ['end'],
  all_steps: ['start', 'end'],
  rows: server,
  cards: [
    { step: 'train', type: 'blank', id: 'live', foreach_index: -1, label: 'train · blank#live', keys: ['k1', 'k2'] },
    { step: 'start', type: 'default', foreach_index: -1, label: 'start · default', keys: ['d1', 'd2'] },
  ],
  export_name: 'F-compare-1_2',
});
const tree = (loss: number) => ({ components: [{ type: 'valueBox', id: 'loss_box', title: 'Loss', value: loss }] });

function setup() {
  const loss: Record<string, number> = { k1: 0.5, k2: 0.9 };
  const api = {
    compare: vi.fn(async () => result()),
    card: vi.fn(async (key: string): Promise<CardDetail> =>
      cardDetail({ key, card: key.startsWith('k') ? tree(loss[key]) : { components: [] }, token: 't' })),
    cardData: vi.fn(async () => null),
  };
  const store = new CompareStore(api, new Coalescer(0));
  return { api, store, loss };
}

describe('CompareStore', () => {
  it('shows the server rows, then the ValueBox rows of the matched cards', async () => {
    const { api, store } = setup();
    await store.open('F', ['1', '2']);
    expect(store.result?.rows.slice(0, 2)).toEqual(server);
    expect(store.result?.rows.slice(2)).toEqual([
      { group: 'valuebox', name: 'Loss', detail: 'train · blank#live', values: ['0.5', '0.9'], differs: true },
    ]);
    expect(api.card).toHaveBeenCalledTimes(4);
  });

  it('reads again only the card a change of a compared run names; other changes reuse the trees', async () => {
    const { api, store, loss } = setup();
    await store.open('F', ['1', '2']);
    loss.k2 = 0.3;
    await store.applyChange(makeChange('card_data_changed', { flow: 'F', run: '2', card: 'k2' }));
    expect(store.result?.rows.at(-1)?.values).toEqual(['0.5', '0.3']);
    expect(api.card.mock.calls.slice(4).map((c) => c[0])).toEqual(['k2']);
    expect(api.compare).toHaveBeenCalledTimes(2);
    await store.applyChange(makeChange('task_changed', { flow: 'F', run: '2' }));
    expect(api.compare).toHaveBeenCalledTimes(3);
    expect(api.card).toHaveBeenCalledTimes(5);
    // Another run, another flow: nothing.
    await store.applyChange(makeChange('card_data_changed', { flow: 'F', run: '3', card: 'x' }));
    await store.applyChange(makeChange('card_data_changed', { flow: 'G', run: '2', card: 'k2' }));
    expect(api.compare).toHaveBeenCalledTimes(3);
    // A rescan reads every card again.
    await store.applyChange(makeChange('rescanned'));
    expect(api.card).toHaveBeenCalledTimes(9);
  });

  it('keeps the ValueBox rows shown while new server rows wait for the cards', async () => {
    const { api, store } = setup();
    await store.open('F', ['1', '2']);
    let release!: (d: CardDetail) => void;
    api.card.mockImplementationOnce(() => new Promise((r) => (release = r)));
    const done = store.applyChange(makeChange('card_html_changed', { flow: 'F', run: '1', card: 'k1' }));
    await vi.waitFor(() => expect(api.compare).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(api.card).toHaveBeenCalledTimes(5));
    expect(store.result?.rows.map((r) => r.name)).toEqual(['status', 'lr', 'Loss']);
    release(cardDetail({ key: 'k1', card: tree(0.25), token: 't' }));
    await done;
    expect(store.result?.rows.at(-1)?.values).toEqual(['0.25', '0.9']);
  });
});
