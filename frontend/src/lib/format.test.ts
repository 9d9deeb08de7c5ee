import { describe, expect, it } from 'vitest';
import {
  grouped,
  plural,
  elapsed,
  formatAbsolute,
  formatBytes,
  formatClock,
  formatCount,
  formatDuration,
  formatRelative,
  formatValue,
} from './format';

const NOW = Date.parse('2026-11-25T21:40:00.000Z');

describe('formatRelative', () => {
  it.each([
    ['2026-11-25T21:39:58.000Z', 'just now'],
    ['2026-11-25T21:40:03.000Z', 'just now'], // clock skew
    ['2026-11-25T21:39:18.000Z', '42s ago'],
    ['2026-11-25T21:35:00.000Z', '5m ago'],
    ['2026-11-25T18:10:00.000Z', '3h ago'],
    ['2026-11-23T21:40:00.000Z', '2d ago'],
    ['2026-11-03T10:00:00.000Z', 'Nov 3'],
    ['2025-12-31T10:00:00.000Z', 'Dec 31, 2025'],
  ])('%s -> %s', (t, want) => {
    expect(formatRelative(t, NOW)).toBe(want);
  });
  it('shows a dash for unknown times', () => {
    expect(formatRelative(null, NOW)).toBe('—');
    expect(formatRelative('garbage', NOW)).toBe('—');
  });
});

describe('formatAbsolute / formatClock (TZ=UTC in tests)', () => {
  it('formats local date and time', () => {
    expect(formatAbsolute('2026-11-25T21:37:59.591Z')).toBe('2026-11-25 21:37:59');
    expect(formatAbsolute(null)).toBe('—');
    expect(formatClock('2026-11-25T21:26:55.718352Z')).toBe('21:26:55.718');
    expect(formatClock(null)).toBe('');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [420, '0.4s'],
    [4250, '4.2s'],
    [42_000, '42s'],
    [187_000, '3m 07s'],
    [7_500_000, '2h 05m'],
    [273_600_000, '3d 4h'],
  ])('%d ms -> %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
  it('shows a dash for nothing', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });
});

describe('elapsed', () => {
  const start = '2026-11-25T21:39:00.000Z';
  it('uses the end time when there is one', () => {
    expect(elapsed(start, '2026-11-25T21:39:30.000Z', false, NOW)).toBe(30_000);
  });
  it('ticks with now while running', () => {
    expect(elapsed(start, null, true, NOW)).toBe(60_000);
    expect(elapsed(start, null, true, NOW + 1000)).toBe(61_000);
  });
  it('is unknown for a stopped run without an end, or no start', () => {
    expect(elapsed(start, null, false, NOW)).toBeNull();
    expect(elapsed(null, null, true, NOW)).toBeNull();
  });
});

describe('formatBytes / formatValue', () => {
  it('formats sizes', () => {
    expect(formatBytes(24)).toBe('24 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(23 * 1024 * 1024)).toBe('23 MB');
    expect(formatBytes(null)).toBe('—');
  });
  it('shortens values', () => {
    expect(formatValue('abc')).toBe('abc');
    expect(formatValue({ lr: 0.1 })).toBe('{"lr":0.1}');
    expect(formatValue('x'.repeat(50), 10)).toBe('xxxxxxxxx…');
    expect(formatValue(null)).toBe('');
  });
});

describe('formatCount', () => {
  it('shortens big counts', () => {
    expect([0, 999, 1000, 2250, 9999, 12_345, 999_999, 1_250_000].map(formatCount)).toEqual([
      '0',
      '999',
      '1k',
      '2.2k',
      '9.9k',
      '12k',
      '999k',
      '1.2M',
    ]);
  });
});

describe('grouped', () => {
  it('puts a comma every three digits, as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -9876543, 1e15]) expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    expect(grouped(1.5)).toBe('1.5');
  });
});

describe('plural', () => {
  it('says 1 flow, 2 flows, 0 flows', () => {
    expect(plural(1, 'flow')).toBe('1 flow');
    expect(plural(2, 'flow')).toBe('2 flows');
    expect(plural(0, 'line')).toBe('0 lines');
    expect(plural(1200, 'run')).toBe('1,200 runs');
    expect(plural(1, 'match', 'matches')).toBe('1 match');
    expect(plural(3, 'match', 'matches')).toBe('3 matches');
  });
});
