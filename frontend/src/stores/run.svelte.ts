// The open run: its header fields, its steps in DAG order, and each step's
// tasks, paged. A task change refetches that task alone; step counts and
// statuses come from a steps-only refetch of the run (limit=0), coalesced.

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { Change, Failure, RunDetail, RunSummary, Step, TaskDetail, TaskSummary, Timeline } from '../lib/schema';
import { reconcile, removeItem, jsonEqual } from '../lib/runlist';
import { Coalescer } from './coalesce';
import { toSummary } from './runs.svelte';

type RunApi = Pick<Api, 'run' | 'step' | 'task'> & Partial<Pick<Api, 'timeline'>>;

/** The timeline refetches at most this often while a run changes. */
export const TIMELINE_THROTTLE_MS = 1000;
export type StepInfo = Omit<Step, 'tasks'>;

/** Tasks per page when a step is expanded further. */
export const TASK_PAGE = 500;

function compareTasks(a: TaskSummary, b: TaskSummary): number {
  const fa = a.foreach_index ?? -1;
  const fb = b.foreach_index ?? -1;
  if (fa !== fb) return fa - fb;
  const na = Number(a.id);
  const nb = Number(b.id);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Merges fresh tasks into list by id, keeping the API's order; unchanged tasks stay identical. */
export function mergeTasks(list: readonly TaskSummary[], fresh: readonly TaskSummary[]): TaskSummary[] {
  const byId = new Map(list.map((t) => [t.id, t]));
  for (const t of fresh) {
    const prev = byId.get(t.id);
    byId.set(t.id, prev && jsonEqual(prev, t) ? prev : t);
  }
  return [...byId.values()].sort(compareTasks);
}

/** The run view's row for a task, from the task endpoint. */
export function taskRow(d: TaskDetail): TaskSummary {
  return {
    flow: d.flow,
    run: d.run,
    step: d.step,
    id: d.id,
    status: d.status,
    attempt: d.attempt,
    started_at: d.started_at,
    finished_at: d.finished_at,
    foreach_index: d.foreach_index,
    foreach_var: d.foreach_var,
    foreach_value: d.foreach_value,
    origin: d.origin,
    cards: d.cards.filter((c) => c.attempt === d.attempt),
    first_card: d.first_card,
    error: d.error ?? null,
  };
}

function stepInfo(s: Step): StepInfo {
  const { tasks: _tasks, ...info } = s;
  return info;
}

/** One step of the open run. */
export class StepView {
  info = $state.raw<StepInfo>() as StepInfo;
  tasks = $state.raw<TaskSummary[]>([]);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);

  constructor(step: Step) {
    this.info = stepInfo(step);
    this.tasks = step.tasks;
  }

  get name(): string {
    return this.info.name;
  }

  /** More tasks exist than are loaded. */
  get more(): number {
    return Math.max(0, this.info.tasks_total - this.tasks.length);
  }
}

export class OpenRunStore {
  flow = $state<string | null>(null);
  id = $state<string | null>(null);
  run = $state.raw<RunSummary | null>(null);
  dag = $state.raw<RunDetail['dag']>(null);
  failures = $state.raw<Failure[]>([]);
  /** Where the run's cards were found when not under the card root (a subfolder's .metaflow). */
  cardsFoundIn = $state<string | null>(null);
  /** Every attempt of the run, while a timeline is shown (see watchTimeline). */
  timeline = $state.raw<Timeline | null>(null);
  timelineError = $state.raw<ApiError | null>(null);
  steps = $state.raw<StepView[]>([]);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  readonly #api: RunApi;
  readonly #co: Coalescer;
  #gen = 0;

  constructor(api: RunApi, co = new Coalescer(40)) {
    this.#api = api;
    this.#co = co;
  }

  step(name: string): StepView | undefined {
    return this.steps.find((s) => s.name === name);
  }

  isOpen(flow: string | undefined, run: string | undefined): boolean {
    return flow !== undefined && flow === this.flow && run === this.id;
  }

  /** Opens a run (no-op when it is open already). */
  open(flow: string, run: string): Promise<void> {
    if (this.isOpen(flow, run)) return Promise.resolve();
    this.flow = flow;
    this.id = run;
    this.run = null;
    this.dag = null;
    this.failures = [];
    this.cardsFoundIn = null;
    this.timeline = null;
    this.timelineError = null;
    this.steps = [];
    this.error = null;
    return this.load();
  }

  close(): void {
    this.#gen++;
    this.flow = null;
    this.id = null;
    this.run = null;
    this.dag = null;
    this.failures = [];
    this.cardsFoundIn = null;
    this.timeline = null;
    this.timelineError = null;
    this.steps = [];
    this.error = null;
    this.loading = false;
  }

  #timelineWatchers = 0;
  #timelineTimer: ReturnType<typeof setTimeout> | null = null;
  #timelineLast = 0;

  /** Keeps `timeline` loaded and refetched (throttled) on the run's changes until the returned function is called. */
  watchTimeline(): () => void {
    this.#timelineWatchers++;
    if (this.#timelineWatchers === 1) this.#scheduleTimeline(0);
    return () => {
      this.#timelineWatchers--;
      if (this.#timelineWatchers === 0 && this.#timelineTimer !== null) {
        clearTimeout(this.#timelineTimer);
        this.#timelineTimer = null;
      }
    };
  }

  #scheduleTimeline(delay = TIMELINE_THROTTLE_MS): void {
    if (this.#timelineWatchers === 0 || this.#timelineTimer !== null) return;
    const wait = Math.max(0, Math.min(delay, this.#timelineLast + TIMELINE_THROTTLE_MS - Date.now()));
    this.#timelineTimer = setTimeout(() => {
      this.#timelineTimer = null;
      void this.#loadTimeline();
    }, wait);
  }

  async #loadTimeline(): Promise<void> {
    const { flow, id } = this;
    const fetchTimeline = this.#api.timeline;
    if (flow === null || id === null || !fetchTimeline) return;
    const gen = this.#gen;
    this.#timelineLast = Date.now();
    try {
      const tl = await fetchTimeline(flow, id);
      if (gen !== this.#gen || flow !== this.flow || id !== this.id) return;
      this.timeline = tl;
      this.timelineError = null;
    } catch (err) {
      if (gen === this.#gen) this.timelineError = asApiError(err);
    }
  }

  /** Fetches the whole run (first page of every step). */
  async load(): Promise<void> {
    const { flow, id } = this;
    if (flow === null || id === null) return;
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const detail = await this.#api.run(flow, id);
      if (gen !== this.#gen) return;
      this.#applyDetail(detail, true);
      this.error = null;
      this.#scheduleTimeline(0);
    } catch (err) {
      if (gen === this.#gen) this.error = asApiError(err);
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** Steps-only refetch: header, step statuses and counts, new steps. */
  refreshHeader(): Promise<void> {
    const { flow, id } = this;
    if (flow === null || id === null) return Promise.resolve();
    return this.#co.run(`header:${flow}/${id}`, async () => {
      const gen = this.#gen;
      try {
        const detail = await this.#api.run(flow, id, { limit: 0 });
        if (gen === this.#gen) this.#applyDetail(detail, false);
      } catch (err) {
        if (gen === this.#gen) this.error = asApiError(err);
      }
    });
  }

  #applyDetail(detail: RunDetail, withTasks: boolean): void {
    const summary = toSummary(detail);
    if (!this.run || !jsonEqual(this.run, summary)) this.run = summary;
    if (!jsonEqual(this.dag, detail.dag ?? null)) this.dag = detail.dag ?? null;
    if (!jsonEqual(this.failures, detail.failures ?? [])) this.failures = detail.failures ?? [];
    this.cardsFoundIn = detail.cards_found_in ?? null;
    const old = new Map(this.steps.map((s) => [s.name, s]));
    const next = detail.steps.map((s) => {
      const view = old.get(s.name);
      if (!view) return new StepView(s);
      const info = stepInfo(s);
      if (!jsonEqual(view.info, info)) view.info = info;
      if (withTasks) view.tasks = reconcile(view.tasks, s.tasks, (t) => t.id);
      else if (s.tasks.length) view.tasks = mergeTasks(view.tasks, s.tasks);
      return view;
    });
    const same = next.length === this.steps.length && next.every((s, i) => s === this.steps[i]);
    if (!same) this.steps = next;
  }

  /** Loads the next page of a step's tasks. */
  async loadMore(stepName: string): Promise<void> {
    const { flow, id } = this;
    const view = this.step(stepName);
    if (flow === null || id === null || !view || view.loading || view.more === 0) return;
    const gen = this.#gen;
    view.loading = true;
    try {
      const page = await this.#api.step(flow, id, stepName, { offset: view.tasks.length, limit: TASK_PAGE });
      if (gen !== this.#gen) return;
      view.info = stepInfo(page);
      view.tasks = mergeTasks(view.tasks, page.tasks);
      view.error = null;
    } catch (err) {
      if (gen === this.#gen) view.error = asApiError(err);
    } finally {
      view.loading = false;
    }
  }

  /** Refetches one task's row (status, attempt, cards). */
  refreshTask(stepName: string, taskId: string): Promise<void> {
    const { flow, id } = this;
    if (flow === null || id === null) return Promise.resolve();
    return this.#co.run(`task:${stepName}/${taskId}`, async () => {
      const gen = this.#gen;
      try {
        const d = await this.#api.task(flow, id, stepName, taskId);
        const view = this.step(stepName);
        if (gen !== this.#gen || !view) return;
        const known = view.tasks.some((t) => t.id === taskId);
        // A new task joins the list when the list is complete; otherwise paging brings it.
        if (known || view.tasks.length >= view.info.tasks_total - 1) {
          view.tasks = mergeTasks(view.tasks, [taskRow(d)]);
        }
      } catch (err) {
        const view = this.step(stepName);
        if (gen === this.#gen && view && asApiError(err).notFound) {
          view.tasks = removeItem(view.tasks, taskId, (t) => t.id) as TaskSummary[];
        }
      }
    });
  }

  applyChange(c: Change): Promise<void> {
    if (!this.isOpen(c.flow ?? undefined, c.run ?? undefined)) return Promise.resolve();
    if (c.kind === 'run_changed' || c.kind === 'step_added' || c.kind.startsWith('task_')) this.#scheduleTimeline();
    const view = c.step != null ? this.step(c.step) : undefined;
    switch (c.kind) {
      case 'run_changed':
        if (this.run && c.status && this.run.status !== c.status) this.run = { ...this.run, status: c.status };
        return this.refreshHeader();
      case 'run_removed':
        this.error = asApiError(new Error('This run was removed from the datastore.'));
        return Promise.resolve();
      case 'step_added':
        return this.refreshHeader();
      case 'task_added':
      case 'task_changed': {
        if (c.step == null || c.task == null) return this.refreshHeader();
        const row = view?.tasks.find((t) => t.id === c.task);
        if (view && row && c.status && row.status !== c.status) {
          view.tasks = mergeTasks(view.tasks, [{ ...row, status: c.status }]);
        }
        return Promise.all([this.refreshTask(c.step, c.task), this.refreshHeader()]).then(() => {});
      }
      case 'task_removed':
        if (view && c.task != null) {
          view.tasks = removeItem(view.tasks, c.task, (t) => t.id) as TaskSummary[];
        }
        return this.refreshHeader();
      case 'card_added':
      case 'card_removed':
      case 'card_html_changed':
      case 'card_error':
        if (c.step == null || c.task == null) return Promise.resolve();
        return this.refreshTask(c.step, c.task);
      default:
        return Promise.resolve();
    }
  }
}
