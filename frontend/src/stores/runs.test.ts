import { makeChange } from '../lib/change';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api';
import type { RunDetail, RunSummary } from '../lib/schema';
import { run, runDetail, settle } from '../testing/fakes';
import { Coalescer } from './coalesce';
import { RunsStore } from './runs.svelte';

function setup(initial: RunSummary[]) {
  const details = new Map<string, RunDetail>();
  const api = {
    runs: vi.fn(async () => initial.map((r) => ({ ...r }))),
    run: vi.fn(async (_flow: string, id: string): Promise<RunDetail> => {
      const d = details.get(id);
      if (!d) throw new ApiError('run not found', 'http', 404, '');
      return structuredClone(d);
    }),
  };
  const store = new RunsStore(api, new Coalescer(0));
  return { api, store, details };
}

const base = [
  run('30', '2026-11-25T21:30:00.000Z', { status: 'running', tags: ['exp'] }),
  run('20', '2026-11-25T21:20:00.000Z', { status: 'failed', user: 'alice' }),
  run('10', '2026-11-25T21:10:00.000Z', { tags: ['exp', 'team:ml'] }),
];

describe('RunsStore', () => {
  it('loads a flow once and serves it from cache', async () => {
    const { api, store } = setup(base);
    await store.show('F');
    await store.show('F');
    expect(api.runs).toHaveBeenCalledTimes(1);
    expect(store.forFlow('F').items.map((r) => r.id)).toEqual(['30', '20', '10']);
    expect(store.forFlow('F').loaded).toBe(true);
  });

  it('run_added reloads the list in the server order, keeping unchanged rows', async () => {
    const { api, store } = setup(base);
    await store.load('F');
    const before = store.forFlow('F').items;
    // The server owns the order (datastore newerRun): an older run found
    // late goes where the server puts it, not where the UI would guess.
    api.runs.mockResolvedValueOnce([base[0], base[1], run('15', '2026-11-25T21:15:00.000Z'), base[2]].map((r) => ({ ...r })));
    await store.applyChange(makeChange('run_added', { flow: 'F', run: '15' }));
    const after = store.forFlow('F').items;
    expect(after.map((r) => r.id)).toEqual(['30', '20', '15', '10']);
    expect(api.runs).toHaveBeenCalledTimes(2);
    expect(api.run).not.toHaveBeenCalled();
    expect(after[0]).toBe(before[0]);
    expect(after[3]).toBe(before[2]);
  });

  it('run_changed updates only that row', async () => {
    const { api, store, details } = setup(base);
    await store.load('F');
    const before = store.forFlow('F').items;
    details.set('30', runDetail({ ...base[0], status: 'succeeded', finished_at: '2026-11-25T21:35:00.000Z' }, []));
    const pending = store.applyChange(makeChange('run_changed', { flow: 'F', run: '30', status: 'succeeded', old_status: 'running' }));
    // The new status shows before the fetch completes.
    expect(store.forFlow('F').items[0].status).toBe('succeeded');
    await pending;
    const after = store.forFlow('F').items;
    expect(after[0].finished_at).toBe('2026-11-25T21:35:00.000Z');
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBe(before[2]);
    expect(api.runs).toHaveBeenCalledTimes(1);
  });

  it('falls back to a full reload when the single fetch fails, and drops a run that is gone', async () => {
    const { api, store, details } = setup(base);
    await store.load('F');
    api.run.mockRejectedValueOnce(new ApiError('boom', 'http', 500, ''));
    await store.applyChange(makeChange('run_changed', { flow: 'F', run: '30' }));
    await settle();
    expect(api.runs).toHaveBeenCalledTimes(2);
    details.clear();
    await store.applyChange(makeChange('run_changed', { flow: 'F', run: '20' }));
    expect(store.forFlow('F').items.map((r) => r.id)).toEqual(['30', '10']);
    await store.applyChange(makeChange('run_removed', { flow: 'F', run: '30' }));
    expect(store.forFlow('F').items.map((r) => r.id)).toEqual(['10']);
  });

  it('ignores changes of flows it has not loaded', async () => {
    const { api, store } = setup(base);
    await store.applyChange(makeChange('run_added', { flow: 'Other', run: '1' }));
    expect(api.run).not.toHaveBeenCalled();
  });

  it('says why a runs list is empty: loading, no runs, filtered out, or nothing on an error', async () => {
    const { api, store } = setup(base);
    expect(store.forFlow('F').emptyText).toBe('Loading runs…');
    await store.show('F');
    store.setFilter({ text: 'no such run' });
    expect(store.forFlow('F').emptyText).toBe('No run matches the filters.');
    api.runs.mockImplementationOnce(async () => []);
    await store.show('G');
    expect(store.forFlow('G').emptyText).toBe('No runs yet.');
    api.runs.mockImplementationOnce(async () => {
      throw new ApiError('no such flow', 'http', 404, '');
    });
    await store.show('H');
    expect(store.forFlow('H').error).not.toBeNull();
    expect(store.forFlow('H').emptyText).toBe('');
  });

  it('filters by status, tag and text, and counts statuses', async () => {
    const { store } = setup(base);
    await store.load('F');
    const fr = store.forFlow('F');
    expect(fr.counts).toEqual({ running: 1, succeeded: 1, failed: 1, unknown: 0 });
    expect(fr.tags).toEqual(['exp', 'team:ml']);
    store.setFilter({ status: 'failed' });
    expect(fr.visible.map((r) => r.id)).toEqual(['20']);
    store.setFilter({ status: 'all', tag: 'exp' });
    expect(fr.visible.map((r) => r.id)).toEqual(['30', '10']);
    store.setFilter({ text: 'team' });
    expect(fr.visible.map((r) => r.id)).toEqual(['10']);
    store.setFilter({ tag: '', text: 'ALICE' });
    expect(fr.visible.map((r) => r.id)).toEqual(['20']);
    store.setFilter({ text: '' });
    expect(fr.visible).toBe(fr.items);
  });

  it('keeps the error and the old rows when a reload fails', async () => {
    const { api, store } = setup(base);
    await store.load('F');
    api.runs.mockRejectedValueOnce(new ApiError('datastore unreadable', 'http', 500, ''));
    await store.load('F');
    const fr = store.forFlow('F');
    expect(fr.error?.message).toBe('datastore unreadable');
    expect(fr.items).toHaveLength(3);
    await store.load('F');
    expect(fr.error).toBeNull();
  });

  it('marks other flows stale after a reconnect so they reload when shown', async () => {
    const { api, store } = setup(base);
    await store.load('F');
    await store.load('G');
    store.markStale('G');
    await store.show('G');
    expect(api.runs).toHaveBeenCalledTimes(2);
    await store.show('F');
    expect(api.runs).toHaveBeenCalledTimes(3);
  });
});
