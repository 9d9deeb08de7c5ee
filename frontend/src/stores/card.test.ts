import { makeChange } from '../lib/change';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api';
import type { CardDetail, Change } from '../lib/schema';
import { Coalescer } from './coalesce';
import { cardDetail } from '../testing/fakes';
import { CardStore } from './card.svelte';

const detail = (key: string, over: Partial<CardDetail> = {}): CardDetail =>
  cardDetail({
  key,
  type: 'blank',
  id: 'live',
  uuid: 'u',
  attempt: 0,
  token: 'runtime-1',
  final: false,
  task: 'F/1/train/2',
  kind: 'template',
  card: null,
  live: true,
  updated_at: '2026-11-25T21:00:00.000Z',
  data_token: 'runtime-1',
  ...over,
  });

function setup() {
  const api = { card: vi.fn(async (key: string) => detail(key)) };
  const store = new CardStore(api, new Coalescer(0), () => 1000);
  return { api, store };
}

describe('CardStore', () => {
  it('notifies listeners of its card only, until they unsubscribe', async () => {
    const { store } = setup();
    await store.select('k1');
    const seen: Change[] = [];
    const unsubscribe = store.onChange((c) => seen.push(c));
    await store.applyChange(makeChange('card_data_changed', { card: 'k2', token: 'x' }));
    await store.applyChange(makeChange('card_data_changed', { card: 'k1', token: 'runtime-2', created_on: 1795642683.5 }));
    expect(seen.map((c) => c.token)).toEqual(['runtime-2']);
    unsubscribe();
    await store.applyChange(makeChange('card_data_changed', { card: 'k1', token: 'runtime-3' }));
    expect(seen).toHaveLength(1);
  });

  it('applies a data change to its description without refetching the card', async () => {
    const { api, store } = setup();
    await store.select('k1');
    await store.applyChange(makeChange('card_data_changed', { card: 'k1', token: 'runtime-2', created_on: 1795642683.5 }));
    expect(api.card).toHaveBeenCalledTimes(1);
    expect(store.detail?.data_token).toBe('runtime-2');
    expect(store.detail?.updated_at).toBe('2026-11-25T21:38:03.500Z');
    expect(store.dataVersion).toBe(1);
    expect(store.changedAt).toBe(1000);
  });

  it('reloads on an HTML change and when its task ends; marks removal', async () => {
    const { api, store } = setup();
    await store.select('k1');
    api.card.mockResolvedValueOnce(detail('k1', { token: 'final', final: true, live: false }));
    await store.applyChange(makeChange('card_html_changed', { card: 'k1', token: 'final' }));
    expect(store.htmlVersion).toBe(1);
    expect(store.detail?.final).toBe(true);
    await store.applyChange(makeChange('task_changed', { flow: 'F', run: '1', step: 'train', task: '2', status: 'succeeded' }));
    expect(api.card).toHaveBeenCalledTimes(3);
    await store.applyChange(makeChange('task_changed', { flow: 'F', run: '1', step: 'train', task: '3' }));
    expect(api.card).toHaveBeenCalledTimes(3);
    await store.applyChange(makeChange('card_removed', { card: 'k1' }));
    expect(store.removed).toBe(true);
  });

  it('says a key never shown is missing (not removed) until the card is written', async () => {
    const { api, store } = setup();
    const notFound = () => new ApiError('not found', 'http', 404, '/api/cards/k9');
    api.card.mockRejectedValueOnce(notFound());
    await store.select('k9');
    expect(store.missing).toBe(true);
    expect(store.removed).toBe(false);
    // A live task writes it after all.
    await store.applyChange(makeChange('card_added', { card: 'k9' }));
    expect(store.missing).toBe(false);
    expect(store.detail?.key).toBe('k9');
    // Shown, then gone: removed, not missing.
    api.card.mockRejectedValueOnce(notFound());
    await store.load();
    expect(store.removed).toBe(true);
    expect(store.missing).toBe(false);
  });

  it('drops a late answer for a card no longer selected', async () => {
    const { api, store } = setup();
    let release!: () => void;
    api.card.mockImplementationOnce(
      (key: string) => new Promise<CardDetail>((r) => (release = () => r(detail(key, { token: 'old' })))),
    );
    const first = store.select('k1');
    await store.select('k2');
    release();
    await first;
    expect(store.key).toBe('k2');
    expect(store.detail?.key).toBe('k2');
  });
});
