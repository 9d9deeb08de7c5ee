import { describe, expect, it } from 'vitest';
import { EMPTY_SUMMARY, type TileSummary } from '../cards/native/summary';
import { cardKeys, readsCards, sortRows } from './dashsort';
import { gridKey } from './gridnav';
import type { Status, TaskSummary } from './schema';
import { task as fakeTask } from '../testing/fakes';

function row(id: string, status: Status, score: number | null, progress: number | null, started?: string, finished?: string) {
  const task: TaskSummary = fakeTask(id, status, {
    started_at: started ?? null, finished_at: finished ?? null, foreach_index: 10 - Number(id),
  });
  const summary: TileSummary | null =
    score === null && progress === null
      ? null
      : { ...EMPTY_SUMMARY, values: score === null ? [] : [{ label: 'Score', value: String(score), num: score }], bars: progress === null ? [] : [{ label: 'b', value: progress, max: 10 }] };
  return { task, summary };
}

const rows = [row('1', 'succeeded', 0.5, 10), row('2', 'failed', 0.9, 3), row('3', 'running', null, 5), row('4', 'running', 0.1, null)];
const ids = (rs: { task: TaskSummary }[]) => rs.map((r) => r.task.id);

describe('sortRows', () => {
  it('sorts by a value box, missing values last in both directions', () => {
    expect(ids(sortRows(rows, 'value:Score', false))).toEqual(['4', '1', '2', '3']);
    expect(ids(sortRows(rows, 'value:Score', true))).toEqual(['2', '1', '4', '3']);
  });
  it('sorts by progress, status, foreach index and numeric id', () => {
    expect(ids(sortRows(rows, 'bar:b', true))).toEqual(['1', '3', '2', '4']);
    expect(ids(sortRows(rows, 'status', false))).toEqual(['2', '3', '4', '1']);
    expect(ids(sortRows(rows, 'index', false))).toEqual(['4', '3', '2', '1']);
    const many = [row('10', 'running', null, null), row('9', 'running', null, null)];
    expect(ids(sortRows(many, 'id', false))).toEqual(['9', '10']);
    expect(ids(sortRows(many, 'id', true))).toEqual(['10', '9']);
  });
  it('sorts by duration, running tasks up to now', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const rs = [row('1', 'succeeded', null, null, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), row('2', 'running', null, null, '2026-01-01T00:05:00Z'), row('3', 'unknown', null, null)];
    expect(ids(sortRows(rs, 'duration', true, now))).toEqual(['2', '1', '3']);
  });
  it('offers one key per label and knows which keys read cards', () => {
    expect(cardKeys(rows.map((r) => r.summary))).toEqual(['bar:b', 'value:Score']);
    expect(readsCards('value:Score')).toBe(true);
    expect(readsCards('status')).toBe(false);
  });
});

describe('gridKey', () => {
  it('moves by tile with left/right and j/k, by row with up/down, and opens with Enter', () => {
    expect(gridKey('ArrowRight', 0, 10, 4, 2)).toEqual({ move: 1 });
    expect(gridKey('j', 0, 10, 4, 2)).toEqual({ move: 1 });
    expect(gridKey('k', 5, 10, 4, 2)).toEqual({ move: 4 });
    expect(gridKey('ArrowDown', 1, 10, 4, 2)).toEqual({ move: 5 });
    expect(gridKey('ArrowDown', 8, 10, 4, 2)).toEqual({ move: 9 });
    expect(gridKey('ArrowUp', 2, 10, 4, 2)).toEqual({ move: 0 });
    expect(gridKey('End', 2, 10, 4, 2)).toEqual({ move: 9 });
    expect(gridKey('Enter', 3, 10, 4, 2)).toEqual({ open: 3 });
    expect(gridKey('x', 3, 10, 4, 2)).toBeNull();
    expect(gridKey('ArrowDown', 0, 0, 4, 2)).toBeNull();
  });
});
