// The card store's runtime data: fetched when it exists, never replaced by an
// older one (created_on, else request order), and a reload when data belongs
// to a newer HTML (docs/format.md §12).
import { makeChange } from '../../lib/change';
import { describe, expect, it, vi } from 'vitest';
import type { CardData, CardDetail } from '../../lib/schema';
import { Coalescer } from '../../stores/coalesce';
import { CardStore } from '../../stores/card.svelte';
import { cardDetail } from '../../testing/fakes';

const detail = (over: Partial<CardDetail> = {}): CardDetail =>
  cardDetail({
    key: 'k', id: 'live', token: 'runtime-1', task: 'F/1/train/2', card: { components: [] }, live: true, data_token: 'runtime-1', ...over,
  });
const data = (created_on: number | null, reload_token = 'runtime-1'): CardData => ({ reload_token, data: {}, created_on });
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(d = detail()) {
  const api = { card: vi.fn(async () => d), cardData: vi.fn(async (): Promise<CardData | null> => data(10)) };
  const store = new CardStore(api, new Coalescer(0));
  return { api, store };
}

describe('CardStore data', () => {
  it('fetches the data after the description says it exists; a card without data is ready at once', async () => {
    const { api, store } = setup();
    await store.select('k');
    await tick();
    expect(api.cardData).toHaveBeenCalledTimes(1);
    expect(store.data?.created_on).toBe(10);
    expect(store.dataReady).toBe(true);
    const none = setup(detail({ data_token: null }));
    await none.store.select('k');
    await tick();
    expect(none.api.cardData).not.toHaveBeenCalled();
    expect(none.store.dataReady).toBe(true);
  });

  it('a final card is ready before its data arrives', async () => {
    const { api, store } = setup(detail({ token: 'final', data_token: 'final', final: true }));
    let release!: (d: CardData) => void;
    api.cardData.mockImplementationOnce(() => new Promise((r) => (release = r)));
    await store.select('k');
    expect(store.dataReady).toBe(true);
    release(data(5, 'final'));
  });

  it('never replaces data with older data, whatever order the answers come in', async () => {
    const { api, store } = setup();
    await store.select('k');
    await tick();
    const answers: Array<(d: CardData) => void> = [];
    api.cardData.mockImplementation(() => new Promise((r) => answers.push(r)));
    const a = store.loadData();
    const b = store.loadData();
    answers[1](data(30));
    answers[0](data(20));
    await Promise.all([a, b]);
    expect(store.data?.created_on).toBe(30);
  });

  it('without created_on (Metaflow < 2.11.4), the later request wins', async () => {
    const { api, store } = setup();
    api.cardData.mockResolvedValueOnce(data(null));
    await store.select('k');
    await tick();
    const answers: Array<(d: CardData) => void> = [];
    api.cardData.mockImplementation(() => new Promise((r) => answers.push(r)));
    const c = store.loadData();
    const d = store.loadData();
    answers[1]({ ...data(null), data: { newer: true } });
    answers[0]({ ...data(null), data: { older: true } });
    await Promise.all([c, d]);
    expect(store.data?.data).toEqual({ newer: true });
  });

  it('skips a fetch for a change it already has, fetches a newer one', async () => {
    const { api, store } = setup();
    await store.select('k');
    await tick();
    await store.applyChange(makeChange('card_data_changed', { card: 'k', token: 'runtime-1', created_on: 10 }));
    expect(api.cardData).toHaveBeenCalledTimes(1);
    api.cardData.mockResolvedValueOnce(data(11));
    await store.applyChange(makeChange('card_data_changed', { card: 'k', token: 'runtime-1', created_on: 11 }));
    expect(api.cardData).toHaveBeenCalledTimes(2);
    expect(store.data?.created_on).toBe(11);
  });

  it('reloads the HTML for data of another runtime token, not for final data', async () => {
    const { api, store } = setup();
    await store.select('k');
    await tick();
    api.cardData.mockResolvedValueOnce(data(12, 'runtime-2'));
    await store.loadData();
    await tick();
    expect(api.card).toHaveBeenCalledTimes(2);
    api.cardData.mockResolvedValueOnce(data(13, 'final'));
    await store.loadData();
    await tick();
    expect(api.card).toHaveBeenCalledTimes(2);
  });

  it('turns final when the final data follows the final HTML', async () => {
    const { store } = setup(detail({ token: 'final', data_token: 'runtime-1', final: false, live: false }));
    await store.select('k');
    await store.applyChange(makeChange('card_data_changed', { card: 'k', token: 'final', created_on: 20 }));
    expect(store.detail?.final).toBe(true);
  });
});
