// The run timeline's model: one row per task (grouped by step, in the
// run's step order), one bar per attempt, so retries show as separate
// segments on their task's row. Kept apart from the canvas so that layout
// and hit-testing are plain functions.

import type { Status, Timeline } from './schema';

export const STATUS_INDEX: Record<Status, number> = { running: 0, succeeded: 1, failed: 2, unknown: 3 };
export const STATUS_BY_INDEX: Status[] = ['running', 'succeeded', 'failed', 'unknown'];

export interface TimelineRow {
  step: string;
  task: string;
  /** First row of its step: where the step's label goes. */
  first: boolean;
}

export interface TimelineModel {
  rows: TimelineRow[];
  /** Per bar: row index, attempt, status index, start and end (ms since epoch; end NaN while running). */
  row: Int32Array;
  attempt: Int32Array;
  status: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  /** Bars of each row, as [from, to) indexes into the bar arrays. */
  rowBars: Int32Array;
  /** Earliest start and latest end or start (ms). */
  min: number;
  max: number;
  /** Server clock minus this clock (ms), to place "now". */
  skew: number;
  running: boolean;
}

const time = (s: string | null): number => (s === null ? NaN : Date.parse(s));

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the model; stepOrder is the run's step order (steps not in it go last). Attempts with no start time are left out. */
export function buildTimeline(tl: Timeline, stepOrder: readonly string[], receivedAt = Date.now()): TimelineModel {
  const rank = new Map(stepOrder.map((s, i) => [s, i]));
  const atts = tl.attempts
    .map((a) => ({ ...a, s: time(a.started_at), e: time(a.finished_at) }))
    .filter((a) => Number.isFinite(a.s));
  atts.sort(
    (a, b) =>
      (rank.get(a.step) ?? 1e9) - (rank.get(b.step) ?? 1e9) ||
      (a.step < b.step ? -1 : a.step > b.step ? 1 : 0) ||
      compareIds(a.task, b.task) ||
      a.attempt - b.attempt,
  );
  const n = atts.length;
  const m: TimelineModel = {
    rows: [],
    row: new Int32Array(n),
    attempt: new Int32Array(n),
    status: new Uint8Array(n),
    start: new Float64Array(n),
    end: new Float64Array(n),
    rowBars: new Int32Array(0),
    min: Infinity,
    max: -Infinity,
    skew: Number.isFinite(time(tl.now)) ? time(tl.now) - receivedAt : 0,
    running: tl.status === 'running',
  };
  const bounds: number[] = [];
  let prevKey = '';
  let prevStep: string | null = null;
  atts.forEach((a, i) => {
    const key = `${a.step}\u0000${a.task}`;
    if (key !== prevKey) {
      m.rows.push({ step: a.step, task: a.task, first: a.step !== prevStep });
      bounds.push(i);
      prevKey = key;
      prevStep = a.step;
    }
    m.row[i] = m.rows.length - 1;
    m.attempt[i] = a.attempt;
    m.status[i] = STATUS_INDEX[a.status] ?? 3;
    m.start[i] = a.s;
    m.end[i] = a.e;
    m.min = Math.min(m.min, a.s);
    m.max = Math.max(m.max, Number.isFinite(a.e) ? a.e : a.s);
  });
  bounds.push(n);
  m.rowBars = Int32Array.from(bounds);
  const runStart = time(tl.started_at);
  if (Number.isFinite(runStart) && runStart < m.min) m.min = runStart;
  const runEnd = time(tl.finished_at);
  if (Number.isFinite(runEnd) && runEnd > m.max) m.max = runEnd;
  if (!Number.isFinite(m.min)) {
    m.min = 0;
    m.max = 1000;
  }
  return m;
}

/** The end of a bar: its finish, or now while it has none. */
export function barEnd(m: TimelineModel, i: number, now: number): number {
  const e = m.end[i];
  return Number.isFinite(e) ? e : Math.max(m.start[i], now);
}

/** The bar of `row` under time t, allowing `slack` ms either side (thin bars stay hittable); -1 when none. */
export function hitBar(m: TimelineModel, row: number, t: number, slack: number, now: number): number {
  if (row < 0 || row >= m.rows.length) return -1;
  let best = -1;
  let bestDist = Infinity;
  for (let i = m.rowBars[row]; i < m.rowBars[row + 1]; i++) {
    const s = m.start[i];
    const e = barEnd(m, i, now);
    const d = t < s ? s - t : t > e ? t - e : 0;
    if (d <= slack && d < bestDist) {
      best = i;
      bestDist = d;
    }
  }
  return best;
}

/** Tick spacing (ms) for about `target` ticks over span ms. */
export function tickStep(span: number, target: number): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 144e5, 216e5, 432e5, 864e5];
  const want = span / Math.max(1, target);
  for (const s of steps) if (s >= want) return s;
  return Math.ceil(want / 864e5) * 864e5;
}

/** A tick label: time since the run started. */
export function tickLabel(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const min = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  if (min < 60) return sec ? `${min}m${String(sec).padStart(2, '0')}s` : `${min}m`;
  const h = Math.floor(min / 60);
  const mm = min % 60;
  return mm ? `${h}h${String(mm).padStart(2, '0')}m` : `${h}h`;
}
