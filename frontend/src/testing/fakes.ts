// Test helpers: API objects and a fake fetch that answers from a route table.

import type { CardDetail, CardRef, Counts, DatastoreStatus, RunDetail, RunSummary, Status, Step, TaskDetail, TaskSummary } from '../lib/schema';

export const counts = (c: Partial<Counts> = {}): Counts => ({
  total: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  unknown: 0,
  ...c,
});

export function run(id: string, startedAt: string | null, over: Partial<RunSummary> = {}): RunSummary {
  return {
    flow: 'F',
    id,
    status: 'succeeded',
    user: 'tester',
    tags: [],
    system_tags: ['user:tester'],
    started_at: startedAt,
    finished_at: null,
    loaded: true,
    counts: counts(),
    origin_run: null,
    metaflow_version: null,
    parameters: {},
    error: null,
    cached: false,
    ...over,
  };
}

export function task(id: string, status: Status = 'succeeded', over: Partial<TaskSummary> = {}): TaskSummary {
  return {
    flow: 'F',
    run: '1',
    step: 'train',
    id,
    status,
    attempt: 0,
    started_at: '2026-11-25T21:00:00.000Z',
    finished_at: null,
    foreach_index: null,
    foreach_var: null,
    foreach_value: null,
    origin: null,
    cards: [],
    first_card: null,
    error: null,
    ...over,
  };
}

export function step(name: string, tasks: TaskSummary[], over: Partial<Step> = {}): Step {
  return {
    name,
    type: 'linear',
    status: 'succeeded',
    counts: counts({ total: tasks.length, succeeded: tasks.length }),
    started_at: null,
    tasks_total: tasks.length,
    tasks_offset: 0,
    tasks,
    error: null,
    ...over,
  };
}

export function runDetail(r: RunSummary, steps: Step[]): RunDetail {
  return { ...r, dag: null, end_step: 'end', steps, failures: [], cards_found_in: null };
}

export function taskDetail(id: string, over: Partial<TaskDetail> = {}): TaskDetail {
  return {
    flow: 'F',
    run: '1',
    step: 'train',
    id,
    status: 'succeeded',
    attempt: 0,
    started_at: '2026-11-25T21:00:00.000Z',
    finished_at: '2026-11-25T21:00:05.000Z',
    foreach_index: null,
    foreach_var: null,
    foreach_value: null,
    origin: null,
    attempts: [{ attempt: 0, status: 'succeeded', started_at: null, finished_at: null, logs: ['stdout', 'stderr'] }],
    cards: [],
    first_card: null,
    error: null,
    artifacts: [],
    logs: { stdout: true, stderr: true },
    pathspec: `F/1/train/${id}`,
    cards_found_in: null,
    card_search: null,
    ...over,
  };
}

export function cardRef(over: Partial<CardRef> & Pick<CardRef, 'key'>): CardRef {
  return {
    type: 'blank',
    id: null,
    uuid: 'u',
    attempt: 0,
    attempt_inferred: false,
    token: 't',
    data_token: null,
    final: false,
    origin: null,
    error: null,
    error_card: false,
    ...over,
  };
}

export function cardDetail(over: Partial<CardDetail> & Pick<CardDetail, 'key'>): CardDetail {
  return {
    type: 'blank',
    id: null,
    uuid: 'u',
    task: 'F/1/train/2',
    origin: null,
    attempt: 0,
    attempt_inferred: false,
    token: 't',
    data_token: null,
    final: false,
    kind: 'template',
    error_card: false,
    card: null,
    text: null,
    update_disabled: false,
    live: false,
    original: true,
    task_status: '',
    latest_attempt: 0,
    html_url: '',
    size: 0,
    updated_at: null,
    stale: false,
    error: null,
    ...over,
  };
}

export function datastoreStatus(over: Partial<DatastoreStatus> = {}): DatastoreStatus {
  return {
    root: '/x',
    card_root: '',
    flows: 0,
    runs: 0,
    indexing: { done: 0, total: 0 },
    watch: { mode: 'inotify', watches: 0 },
    demo: false,
    home: null,
    shell: 'serve',
    version: 'test',
    seq: 0,
    ...over,
  };
}

/** Lets pending promises and microtasks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
