import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type Api } from '../lib/api';
import type { StreamEvent, StreamHandler, Transport } from '../lib/transport';
import { datastoreStatus, run, runDetail, step, task, taskDetail } from '../testing/fakes';
import { fakeHost } from '../testing/host';
import { AppState } from './app.svelte';

class FakeTransport implements Transport {
  state: Transport['state'] = 'closed';
  handlers = new Set<StreamHandler>();
  subscribe(h: StreamHandler) {
    this.handlers.add(h);
    return () => {
      this.handlers.delete(h);
    };
  }
  emit(ev: StreamEvent) {
    for (const h of this.handlers) h(ev);
  }
}

function fakeApi() {
  const status = {
    root: '/r/.metaflow',
    flows: 1,
    runs: 2,
    indexing: { done: 2, total: 2 },
    watch: { mode: 'inotify', error: null },
  };
  const runs = [run('2', '2026-11-25T21:20:00.000Z', { status: 'running' }), run('1', '2026-11-25T21:10:00.000Z')];
  return {
    datastore: vi.fn(async () => status),
    flows: vi.fn(async () => [{ name: 'F', runs: 2, latest_run: '2' }]),
    landing: vi.fn(async () => ({ flow: 'F', run: '2', step: null, task: null, card: null })),
    runs: vi.fn(async () => runs.map((r) => ({ ...r }))),
    run: vi.fn(async (_f: string, id: string) => runDetail(run(id, '2026-11-25T21:30:00.000Z'), [step('train', [task('5')])])),
    step: vi.fn(),
    task: vi.fn(async (_f: string, _r: string, _s: string, id: string) => taskDetail(id)),
    log: vi.fn(),
    card: vi.fn(async (key: string) => ({ key, kind: 'html', final: true, live: false })),
    cardData: vi.fn(),
    cardHtmlUrl: (k: string) => `/card/${k}`,
    eventsUrl: () => '/api/events',
    welcome: vi.fn(),
    open: vi.fn(),
  };
}

function setup(hash = '') {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const api = fakeApi();
  const transport = new FakeTransport();
  const h = fakeHost(hash);
  const app = new AppState({ api: api as unknown as Api, transport, host: h.host, storage: null, connectGraceMs: 400 });
  const stop = app.start();
  return { api, transport, app, stop, ...h };
}

/** Runs the coalescers' timers and the fetches they start. */
async function flush() {
  for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(200);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AppState', () => {
  it('loads once the stream connects, and refetches what is shown after every reconnect', async () => {
    const { api, transport, app, stop } = setup('#/flows/F/runs/2');
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    expect(app.connection).toBe('connected');
    expect(api.datastore).toHaveBeenCalledTimes(1);
    expect(api.flows).toHaveBeenCalledTimes(1);
    expect(api.runs).toHaveBeenCalledTimes(1);
    expect(api.run).toHaveBeenCalledTimes(1);
    // The grace timer does not load a second time.
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.flows).toHaveBeenCalledTimes(1);

    transport.emit({ type: 'state', state: 'reconnecting' });
    expect(app.connection).toBe('reconnecting');
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    expect(api.datastore).toHaveBeenCalledTimes(2);
    expect(api.flows).toHaveBeenCalledTimes(2);
    expect(api.runs).toHaveBeenCalledTimes(2);
    expect(api.run).toHaveBeenCalledTimes(2);
    stop();
    expect(transport.handlers.size).toBe(0);
  });

  it('loads after a grace period when the stream is slow', async () => {
    const { api } = setup();
    await vi.advanceTimersByTimeAsync(399);
    expect(api.flows).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.flows).toHaveBeenCalledTimes(1);
  });

  it('opens every level the route names, and closes them going up', async () => {
    const { api, app } = setup('#/flows/F/runs/2/steps/train/tasks/5/cards/k1');
    await flush();
    expect(api.run).toHaveBeenCalledWith('F', '2');
    expect(api.task).toHaveBeenCalledWith('F', '2', 'train', '5', {});
    expect(api.card).toHaveBeenCalledWith('k1');
    expect(app.card.key).toBe('k1');
    app.up();
    expect(app.route).toEqual({ flow: 'F', run: '2', step: 'train', task: '5' });
    expect(app.card.key).toBeNull();
    expect(app.focus.zone).toBe('cards');
    app.up();
    app.up();
    expect(app.task.id).toBeNull();
    expect(app.run.id).toBe('2');
  });

  it('follows the newest run of the shown flow when asked to', async () => {
    const { app, transport, api } = setup('#/flows/F');
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    app.setFollow('F', true);
    expect(app.route).toEqual({ flow: 'F', run: '2' }); // turning it on opens the newest
    transport.emit({ type: 'change', change: { kind: 'run_added', flow: 'F', run: '3' } });
    expect(app.route).toEqual({ flow: 'F', run: '3' });
    app.setFollow('F', false);
    const lists = api.runs.mock.calls.length;
    transport.emit({ type: 'change', change: { kind: 'run_added', flow: 'F', run: '4' } });
    expect(app.route.run).toBe('3');
    await flush();
    // A new run reloads the list: its place is the server's order.
    expect(api.runs.mock.calls.length).toBeGreaterThan(lists);
  });

  it('tells the user when a running run fails, not when indexing learns an old failure', async () => {
    const { app, transport } = setup('#/flows/F');
    await flush();
    transport.emit({ type: 'change', change: { kind: 'run_changed', flow: 'F', run: '1', status: 'failed', old_status: 'unknown' } });
    expect(app.notices.items).toHaveLength(0);
    transport.emit({ type: 'change', change: { kind: 'run_changed', flow: 'F', run: '2', status: 'failed', old_status: 'running' } });
    expect(app.notices.items.map((n) => [n.tone, n.text])).toEqual([['error', 'Run F/2 failed']]);
    app.notices.items[0].action?.run();
    expect(app.route).toEqual({ flow: 'F', run: '2' });
  });

  it('shows the welcome screen when the server has no datastore', async () => {
    const { app, api, transport } = setup();
    api.datastore.mockRejectedValue(new ApiError('no datastore', 'http', 409, '', { error: 'no datastore', welcome: true }));
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    expect(app.datastore.welcome).toBe(true);
    transport.emit({
      type: 'status',
      status: datastoreStatus({ indexing: { done: 0, total: 10 }, watch: { mode: 'polling', watches: 0, error: 'inotify limit reached' } }),
    });
    expect(app.datastore.welcome).toBe(false);
    expect(app.datastore.progress).toBe(0);
    expect(app.datastore.status?.watch.error).toBe('inotify limit reached');
  });

  it('while indexing, reloads the shown run list at most every 400 ms, and once more after the last status', async () => {
    const { app, api, transport } = setup('#/flows/F');
    api.runs.mockImplementation(async () => [run('2', '2026-11-25T21:20:00.000Z', { loaded: false }), run('1', '2026-11-25T21:10:00.000Z')]);
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    const calls = () => api.runs.mock.calls.length;
    const base = calls();
    const status = datastoreStatus({ root: '/r/.metaflow', flows: 1, runs: 2, indexing: { done: 1, total: 2 }, watch: { mode: 'inotify', watches: 0 } });
    transport.emit({ type: 'status', status });
    await vi.advanceTimersByTimeAsync(50);
    expect(calls()).toBe(base + 1);
    // The last status of the indexing comes inside the window: it is not dropped.
    transport.emit({ type: 'status', status: { ...status, indexing: { done: 2, total: 2 } } });
    await vi.advanceTimersByTimeAsync(100);
    expect(calls()).toBe(base + 1);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls()).toBe(base + 2);
    expect(app.runs.forFlow('F').items.length).toBe(2);
  });

  it('back and forward restore the view', async () => {
    const { app, back, host } = setup('#/flows/F');
    await flush();
    app.go({ flow: 'F', run: '2' });
    app.go({ flow: 'F', run: '2', step: 'train' });
    expect(host.location.hash).toBe('#/flows/F/runs/2/steps/train');
    back();
    expect(app.route).toEqual({ flow: 'F', run: '2' });
    back();
    expect(app.route).toEqual({ flow: 'F' });
    expect(app.run.id).toBeNull();
  });
});
