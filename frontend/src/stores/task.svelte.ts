// The open task: attempts, all its cards (latest attempt first), artifacts
// of the selected attempt, and its logs, loaded when shown.

import { asApiError, type Api, type ApiError } from '../lib/api';
import type { CardRef, Change, LogData, LogStream, TaskDetail } from '../lib/schema';
import { Coalescer } from './coalesce';

type TaskApi = Pick<Api, 'task' | 'log'>;

export interface TaskId {
  flow: string;
  run: string;
  step: string;
  task: string;
}

export class LogState {
  data = $state.raw<LogData | null>(null);
  loading = $state(false);
  /** The log is not written yet (a local task's logs appear when it exits). */
  missing = $state(false);
  error = $state.raw<ApiError | null>(null);
  /** The attempt the data belongs to. */
  attempt: number | null = null;
}

/** Why a card is marked: it belongs to an attempt older than the task's latest. */
export function cardLeftOver(card: CardRef, task: Pick<TaskDetail, 'attempt' | 'attempts'>): boolean {
  if (card.attempt >= task.attempt) return false;
  const a = task.attempts.find((x) => x.attempt === card.attempt);
  return a === undefined || a.status === 'failed' || a.status === 'unknown';
}

/** Cards latest attempt first; the API's order within an attempt. */
export function sortCards(cards: readonly CardRef[]): CardRef[] {
  return cards
    .map((c, i) => [c, i] as const)
    .sort(([a, ia], [b, ib]) => b.attempt - a.attempt || ia - ib)
    .map(([c]) => c);
}

export class OpenTaskStore {
  id = $state.raw<TaskId | null>(null);
  detail = $state.raw<TaskDetail | null>(null);
  /** The attempt whose artifacts and logs are shown; null: the latest. */
  attempt = $state<number | null>(null);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  readonly logs: Record<LogStream, LogState> = { stdout: new LogState(), stderr: new LogState() };
  readonly cards: CardRef[] = $derived(sortCards(this.detail?.cards ?? []));
  readonly #api: TaskApi;
  readonly #co: Coalescer;
  #gen = 0;

  constructor(api: TaskApi, co = new Coalescer(60)) {
    this.#api = api;
    this.#co = co;
  }

  isOpen(c: { [K in keyof TaskId]?: string | null }): boolean {
    const id = this.id;
    return id !== null && id.flow === c.flow && id.run === c.run && id.step === c.step && id.task === c.task;
  }

  /** The attempt shown: the chosen one, else the latest. */
  get shownAttempt(): number | null {
    return this.attempt ?? this.detail?.attempt ?? null;
  }

  open(id: TaskId): Promise<void> {
    if (this.isOpen(id)) return Promise.resolve();
    this.id = id;
    this.detail = null;
    this.attempt = null;
    this.error = null;
    this.#resetLogs();
    return this.load();
  }

  close(): void {
    this.#gen++;
    this.id = null;
    this.detail = null;
    this.attempt = null;
    this.error = null;
    this.loading = false;
    this.#resetLogs();
  }

  #resetLogs(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      const l = this.logs[s];
      l.data = null;
      l.missing = false;
      l.error = null;
      l.loading = false;
      l.attempt = null;
    }
  }

  async load(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    const gen = ++this.#gen;
    this.loading = true;
    try {
      const opts = this.attempt === null ? {} : { attempt: this.attempt };
      const detail = await this.#api.task(id.flow, id.run, id.step, id.task, opts);
      if (gen !== this.#gen) return;
      this.detail = detail;
      this.error = null;
    } catch (err) {
      if (gen === this.#gen) this.error = asApiError(err);
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  selectAttempt(attempt: number | null): Promise<void> {
    if (attempt === this.attempt) return Promise.resolve();
    this.attempt = attempt;
    this.#resetLogs();
    return this.load();
  }

  /** Loads a log stream for the shown attempt (again when force or the attempt changed). */
  async loadLog(stream: LogStream, force = false): Promise<void> {
    const id = this.id;
    const attempt = this.shownAttempt;
    if (id === null || attempt === null) return;
    const log = this.logs[stream];
    if (!force && log.attempt === attempt && (log.data !== null || log.missing || log.loading)) return;
    const gen = this.#gen;
    log.loading = true;
    log.attempt = attempt;
    try {
      const data = await this.#api.log(id.flow, id.run, id.step, id.task, stream, { attempt });
      if (gen !== this.#gen) return;
      log.data = data;
      log.missing = false;
      log.error = null;
    } catch (err) {
      if (gen !== this.#gen) return;
      const e = asApiError(err);
      log.data = null;
      log.missing = e.notFound;
      log.error = e.notFound ? null : e;
    } finally {
      if (gen === this.#gen) log.loading = false;
    }
  }

  /** Reloads the task, and its shown logs when they may have been written since. */
  async refresh(): Promise<void> {
    const before = this.detail;
    await this.load();
    const after = this.detail;
    // A local task's logs are written when its process exits.
    const changed = before?.status !== after?.status || before?.attempt !== after?.attempt;
    for (const s of ['stdout', 'stderr'] as const) {
      const log = this.logs[s];
      if (log.attempt !== null && (changed || log.missing)) await this.loadLog(s, true);
    }
  }

  applyChange(c: Change): Promise<void> {
    if (!this.isOpen(c)) return Promise.resolve();
    switch (c.kind) {
      case 'task_changed':
      case 'card_added':
      case 'card_removed':
      case 'card_html_changed':
      case 'card_error':
        return this.#co.run('task', () => this.refresh());
      case 'task_removed':
        this.error = asApiError(new Error('This task was removed from the datastore.'));
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  }
}
