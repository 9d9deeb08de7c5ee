import { makeChange } from '../lib/change';
import { describe, expect, it, vi } from 'vitest';
import type { RunDetail, Step } from '../lib/schema';
import { cardRef, counts, run, runDetail, step, task, taskDetail } from '../testing/fakes';
import { Coalescer } from './coalesce';
import { OpenRunStore, mergeTasks } from './run.svelte';

function setup(detail: RunDetail) {
  let current = detail;
  const api = {
    run: vi.fn(async (_f: string, _r: string, opts: { limit?: number } = {}) => {
      const d = structuredClone(current);
      if (opts.limit === 0) for (const s of d.steps) s.tasks = [];
      return d;
    }),
    step: vi.fn(async (_f: string, _r: string, name: string, opts: { offset?: number; limit?: number } = {}) => {
      const s = structuredClone(current.steps.find((x) => x.name === name)!) as Step;
      const off = opts.offset ?? 0;
      return { ...s, tasks_offset: off, tasks: s.tasks.slice(off, off + (opts.limit ?? 500)) };
    }),
    task: vi.fn(async (_f: string, _r: string, _s: string, id: string) => taskDetail(id)),
  };
  const store = new OpenRunStore(api, new Coalescer(0));
  return { api, store, set: (d: RunDetail) => (current = d) };
}

const r1 = run('1', '2026-11-25T21:00:00.000Z', { status: 'running' });

describe('OpenRunStore', () => {
  it('opens a run with its steps in API order', async () => {
    const { store } = setup(runDetail(r1, [step('start', [task('1')]), step('train', [task('2'), task('3')]), step('end', [])]));
    await store.open('F', '1');
    expect(store.steps.map((s) => s.name)).toEqual(['start', 'train', 'end']);
    expect(store.step('train')?.tasks.map((t) => t.id)).toEqual(['2', '3']);
    expect(store.run).not.toHaveProperty('steps');
  });

  it('task_changed refetches that task alone and leaves the other rows identical', async () => {
    const { api, store } = setup(
      runDetail(r1, [step('train', [task('2', 'running'), task('3', 'running')], { status: 'running' })]),
    );
    await store.open('F', '1');
    const before = store.step('train')!.tasks;
    api.task.mockResolvedValueOnce(
      taskDetail('2', {
        status: 'succeeded',
        attempt: 1,
        cards: [
          cardRef({ key: 'k1', attempt: 1, token: 'final', final: true }),
          cardRef({ key: 'k0', attempt: 0, token: 'x', final: false }),
        ],
      }),
    );
    await store.applyChange(makeChange('task_changed', { flow: 'F', run: '1', step: 'train', task: '2', status: 'succeeded' }));
    const after = store.step('train')!.tasks;
    expect(after[0].status).toBe('succeeded');
    expect(after[0].attempt).toBe(1);
    expect(after[0].cards.map((c) => c.key)).toEqual(['k1']); // the latest attempt's cards
    expect(after[1]).toBe(before[1]);
    expect(api.task).toHaveBeenCalledTimes(1);
    // The step's counts come from a steps-only refetch.
    expect(api.run).toHaveBeenLastCalledWith('F', '1', { limit: 0 });
  });

  it('a steps-only refresh updates counts and adds new steps without dropping loaded tasks', async () => {
    const { store, set } = setup(runDetail(r1, [step('start', [task('1')])]));
    await store.open('F', '1');
    const startView = store.step('start')!;
    set(
      runDetail(r1, [
        step('start', [task('1')], { counts: counts({ total: 1, succeeded: 1 }) }),
        step('train', [task('2', 'running')], { status: 'running', counts: counts({ total: 1, running: 1 }) }),
      ]),
    );
    await store.applyChange(makeChange('step_added', { flow: 'F', run: '1', step: 'train' }));
    expect(store.steps.map((s) => s.name)).toEqual(['start', 'train']);
    expect(store.step('start')).toBe(startView);
    expect(startView.tasks.map((t) => t.id)).toEqual(['1']);
    expect(store.step('train')!.info.counts.running).toBe(1);
  });

  it('pages through a big foreach with tasks_total and the step endpoint', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => task(String(i + 10), 'succeeded', { foreach_index: i }));
    const d = runDetail(r1, [step('fan', many.slice(0, 500), { tasks_total: 1200 })]);
    d.steps[0].tasks = many.slice(0, 500);
    const { api, store, set } = setup(d);
    await store.open('F', '1');
    set(runDetail(r1, [step('fan', many, { tasks_total: 1200 })]));
    const fan = store.step('fan')!;
    expect(fan.more).toBe(700);
    await store.loadMore('fan');
    expect(api.step).toHaveBeenLastCalledWith('F', '1', 'fan', { offset: 500, limit: 500 });
    expect(fan.tasks).toHaveLength(1000);
    await store.loadMore('fan');
    expect(fan.tasks).toHaveLength(1200);
    expect(fan.more).toBe(0);
    await store.loadMore('fan');
    expect(api.step).toHaveBeenCalledTimes(2);
    expect(fan.tasks[1199].foreach_index).toBe(1199);
  });

  it('ignores changes of other runs and drops answers for a run closed meanwhile', async () => {
    const { api, store } = setup(runDetail(r1, [step('start', [task('1')])]));
    await store.open('F', '1');
    await store.applyChange(makeChange('task_changed', { flow: 'F', run: '2', step: 'start', task: '1' }));
    expect(api.task).not.toHaveBeenCalled();
    const p = store.load();
    store.close();
    await p;
    expect(store.steps).toEqual([]);
    expect(store.run).toBeNull();
  });
});

describe('mergeTasks', () => {
  it('orders by foreach index then id and keeps equal tasks identical', () => {
    const a = task('10', 'running', { foreach_index: 1 });
    const b = task('9', 'running', { foreach_index: 0 });
    const out = mergeTasks([a], [b, { ...a }]);
    expect(out.map((t) => t.id)).toEqual(['9', '10']);
    expect(out[1]).toBe(a);
  });
});
