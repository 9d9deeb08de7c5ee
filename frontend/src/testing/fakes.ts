// Test helpers: API objects and a fake fetch that answers from a route table.

import type { Counts, RunDetail, RunSummary, Status, Step, TaskDetail, TaskSummary } from '../lib/schema';

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
    error: null,
    ...over,
  };
}

export function task(id: string, status: Status = 'succeeded', over: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id,
    status,
    attempt: 0,
    started_at: '2026-11-25T21:00:00.000Z',
    finished_at: null,
    foreach_index: null,
    foreach_value: null,
    origin: null,
    cards: [],
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
    ...over,
  };
}

export function runDetail(r: RunSummary, steps: Step[]): RunDetail {
  return { ...r, dag: null, steps };
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
    foreach_value: null,
    origin: null,
    attempts: [{ attempt: 0, status: 'succeeded', started_at: null, finished_at: null }],
    cards: [],
    artifacts: [],
    logs: { stdout: true, stderr: true },
    ...over,
  };
}

/** Lets pending promises and microtasks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
