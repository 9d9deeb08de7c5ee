import { makeChange } from '../lib/change';
import { describe, expect, it } from 'vitest';
import type { CardData, CardDetail, Change, TaskSummary } from '../lib/schema';
import { cardDetail, task as fakeTask } from '../testing/fakes';
import { DashboardStore } from './dashboard.svelte';

function task(id: string, key: string | null): TaskSummary {
  return fakeTask(id, 'running', { started_at: null, foreach_index: Number(id), first_card: key });
}

function fakeApi() {
  const calls: string[] = [];
  const values = new Map<string, number>();
  let created = 1;
  const api = {
    card: async (key: string): Promise<CardDetail> => {
      calls.push(`card ${key}`);
      return cardDetail({
        key, token: 't', task: 'F/R/S/1', live: true, data_token: 't',
        card: { components: [{ type: 'progressBar', id: 'p', max: 10, value: 0, label: 'batches' }, { type: 'markdown', id: 'm', source: 'start' }] },
      });
    },
    cardData: async (key: string): Promise<CardData | null> => {
      calls.push(`data ${key}`);
      return { reload_token: 't', created_on: created++, data: { p: { id: 'p', value: values.get(key) ?? 0 }, m: { id: 'm', source: `# x\nbatch ${values.get(key) ?? 0}` } } };
    },
  };
  return { api, calls, values };
}

function frames() {
  const q: (() => void)[] = [];
  return { frame: (cb: () => void) => q.push(cb), flush: () => q.splice(0).forEach((cb) => cb()), get queued() { return q.length; } };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

const change = (kind: Change['kind'], card: string, created_on?: number): Change =>
  makeChange(kind, { flow: 'F', run: 'R', step: 'S', task: '1', card, created_on: created_on ?? null });

describe('DashboardStore', () => {
  it('loads only the tiles in view, and shows their summary in the next frame', async () => {
    const { api, calls, values } = fakeApi();
    const f = frames();
    const d = new DashboardStore(api, f.frame);
    d.open('F/R/S');
    d.sync([task('1', 'k1'), task('2', 'k2'), task('3', null)]);
    values.set('k1', 3);
    d.setVisible(['1', '3']);
    await settle();
    expect(calls).toEqual(['card k1', 'data k1']);
    expect(d.tile('1')?.summary).toBeNull();
    f.flush();
    expect(d.tile('1')?.summary?.bars).toEqual([{ label: 'batches', value: 3, max: 10 }]);
    expect(d.tile('1')?.summary?.line).toBe('batch 3');
    expect(d.tile('3')?.summary).toBeNull();
  });

  it('fetches a burst of changes to a card in view at most twice and paints once per frame', async () => {
    const { api, calls, values } = fakeApi();
    const f = frames();
    const d = new DashboardStore(api, f.frame);
    d.open('F/R/S');
    d.sync([task('1', 'k1')]);
    d.setVisible(['1']);
    await settle();
    f.flush();
    calls.length = 0;
    for (let i = 4; i <= 8; i++) {
      values.set('k1', i);
      d.applyChange(change('card_data_changed', 'k1'));
    }
    await settle();
    expect(calls.filter((c) => c === 'data k1').length).toBeLessThanOrEqual(2);
    expect(f.queued).toBe(1);
    f.flush();
    expect(d.tile('1')?.summary?.bars[0].value).toBe(8);
  });

  it('marks tiles out of view stale and loads them when they come into view', async () => {
    const { api, calls, values } = fakeApi();
    const f = frames();
    const d = new DashboardStore(api, f.frame);
    d.open('F/R/S');
    d.sync([task('1', 'k1'), task('2', 'k2')]);
    d.setVisible(['1']);
    await settle();
    values.set('k2', 7);
    d.applyChange(change('card_data_changed', 'k2'));
    await settle();
    expect(calls.some((c) => c.endsWith('k2'))).toBe(false);
    d.setVisible(['2']);
    await settle();
    f.flush();
    expect(d.tile('2')?.summary?.bars[0].value).toBe(7);
    // Data older than held is never shown (docs/format.md §12).
    d.applyChange(change('card_data_changed', 'k2', 0.5));
    await settle();
    expect(calls.filter((c) => c === 'data k2').length).toBe(1);
  });

  it('takes a task first card from its card_added event, and a new main card starts the tile over', async () => {
    const { api } = fakeApi();
    const f = frames();
    const d = new DashboardStore(api, f.frame);
    d.open('F/R/S');
    d.sync([task('1', null)]);
    d.setVisible(['1']);
    d.applyChange(change('card_added', 'k9'));
    expect(d.tile('1')?.key).toBe('k9');
    expect(d.tilesChanged).toBe(1);
    // The row without first_card yet does not undo it; a retry's new card replaces it.
    d.sync([task('1', null)]);
    expect(d.tile('1')?.key).toBe('k9');
    d.sync([task('1', 'k10')]);
    expect(d.tile('1')?.key).toBe('k10');
    // Another step's cards are not adopted.
    d.open('F/R/T');
    d.sync([task('1', null)]);
    d.applyChange(change('card_added', 'k11'));
    expect(d.tile('1')?.key).toBeNull();
  });
});

describe('DashboardStore, cards named only by the stream', () => {
  it('keeps a card seen before the task had a tile, and follows a data change of a task without a card', async () => {
    const { api, calls } = fakeApi();
    const f = frames();
    const d = new DashboardStore(api, f.frame);
    d.open('F/R/S');
    d.applyChange(makeChange('card_data_changed', { flow: 'F', run: 'R', step: 'S', task: '5', card: 'k5', created_on: 3 }));
    d.sync([task('5', null)]);
    expect(d.tile('5')?.key).toBe('k5');
    d.setVisible(['5']);
    await settle();
    f.flush();
    expect(calls).toEqual(['card k5', 'data k5']);
    expect(d.tile('5')?.summary?.bars.length).toBe(1);
  });
});
