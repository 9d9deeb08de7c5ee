import { describe, expect, it } from 'vitest';
import { run } from '../testing/fakes';
import { nextSort, sortRuns } from './runsort';

const list = [
  run('30', '2026-11-25T21:30:00Z', { status: 'running', user: 'bob' }),
  run('20', '2026-11-25T21:20:00Z', { status: 'failed', user: 'alice', finished_at: '2026-11-25T21:29:00Z' }),
  run('10', '2026-11-25T21:10:00Z', { status: 'succeeded', user: null, finished_at: '2026-11-25T21:11:00Z' }),
];

describe('sortRuns', () => {
  it('keeps the server order with no column chosen', () => {
    expect(sortRuns(list, null)).toBe(list);
  });
  it('sorts by a column, empty values last', () => {
    expect(sortRuns(list, { column: 'user', dir: 'asc' }).map((r) => r.id)).toEqual(['20', '30', '10']);
    expect(sortRuns(list, { column: 'user', dir: 'desc' }).map((r) => r.id)).toEqual(['30', '20', '10']);
    expect(sortRuns(list, { column: 'id', dir: 'asc' }).map((r) => r.id)).toEqual(['10', '20', '30']);
    const now = Date.parse('2026-11-25T21:31:00Z');
    // 20 ran 9 min; 30 (running) and 10 ran 1 min each: a tie keeps the server's order.
    expect(sortRuns(list, { column: 'duration', dir: 'desc' }, now).map((r) => r.id)).toEqual(['20', '30', '10']);
  });
  it('sorts parameter columns numerically when they are numbers', () => {
    const p = (id: string, alpha: string) => ({ ...run(id, null), parameters: { alpha } });
    const got = sortRuns([p('a', '10'), p('b', '9'), p('c', '0.5')], { column: 'param:alpha', dir: 'asc' });
    expect(got.map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });
  it('cycles a column: natural direction, reversed, server order', () => {
    expect(nextSort(null, 'user')).toEqual({ column: 'user', dir: 'asc' });
    expect(nextSort({ column: 'user', dir: 'asc' }, 'user')).toEqual({ column: 'user', dir: 'desc' });
    expect(nextSort({ column: 'user', dir: 'desc' }, 'user')).toBeNull();
    expect(nextSort(null, 'started')).toEqual({ column: 'started', dir: 'desc' });
  });
});
