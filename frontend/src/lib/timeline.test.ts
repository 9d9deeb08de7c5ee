import { describe, expect, it } from 'vitest';
import type { Timeline } from './schema';
import { barEnd, buildTimeline, hitBar, tickLabel, tickStep } from './timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

const tl: Timeline = {
  now: at(100),
  status: 'running',
  started_at: at(0),
  finished_at: null,
  tasks: 4,
  attempts: [
    { step: 'work', task: '10', attempt: 0, status: 'failed', started_at: at(5), finished_at: at(8) },
    { step: 'work', task: '10', attempt: 1, status: 'running', started_at: at(9), finished_at: null },
    { step: 'start', task: '1', attempt: 0, status: 'succeeded', started_at: at(1), finished_at: at(2) },
    { step: 'work', task: '9', attempt: 0, status: 'succeeded', started_at: at(3), finished_at: at(6) },
    { step: 'work', task: '11', attempt: 0, status: 'running', started_at: null, finished_at: null },
  ],
};

describe('buildTimeline', () => {
  const m = buildTimeline(tl, ['start', 'work'], Date.parse(at(100)));
  it('orders rows by step order then numeric task id, one row per task', () => {
    expect(m.rows.map((r) => `${r.step}/${r.task}${r.first ? '*' : ''}`)).toEqual(['start/1*', 'work/9*', 'work/10']);
  });
  it('keeps every started attempt as its own bar on its task row', () => {
    expect(m.start.length).toBe(4);
    expect(Array.from(m.rowBars)).toEqual([0, 1, 2, 4]);
    expect(Array.from(m.attempt.slice(2))).toEqual([0, 1]);
  });
  it('runs a running bar up to now and spans the run', () => {
    expect(barEnd(m, 3, Date.parse(at(50)))).toBe(Date.parse(at(50)));
    expect(m.min).toBe(Date.parse(at(0)));
    expect(m.running).toBe(true);
    expect(m.skew).toBe(0);
  });
  it('hit-tests the nearest bar within the slack', () => {
    const now = Date.parse(at(50));
    expect(hitBar(m, 2, Date.parse(at(6)), 0, now)).toBe(2);
    expect(hitBar(m, 2, Date.parse(at(8.5)), 0, now)).toBe(-1);
    expect(hitBar(m, 2, Date.parse(at(8.5)), 600, now)).toBe(2);
    expect(hitBar(m, 2, Date.parse(at(20)), 0, now)).toBe(3);
    expect(hitBar(m, 7, Date.parse(at(6)), 0, now)).toBe(-1);
  });
});

describe('axis', () => {
  it('picks round tick steps and labels time since the start', () => {
    expect(tickStep(60_000, 6)).toBe(10_000);
    expect(tickStep(3_600_000, 4)).toBe(900_000);
    expect(tickLabel(0)).toBe('0ms');
    expect(tickLabel(1500)).toBe('1.5s');
    expect(tickLabel(90_000)).toBe('1m30s');
    expect(tickLabel(3_600_000)).toBe('1h');
  });
});
