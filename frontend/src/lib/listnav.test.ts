import { describe, expect, it } from 'vitest';
import { listKey, scrollToRow, visibleRange } from './listnav';

describe('listKey', () => {
  it('moves with arrows and j/k, clamped', () => {
    expect(listKey('ArrowDown', 3, 10, 5)).toEqual({ move: 4 });
    expect(listKey('j', 9, 10, 5)).toEqual({ move: 9 });
    expect(listKey('k', 0, 10, 5)).toEqual({ move: 0 });
    expect(listKey('ArrowUp', 4, 10, 5)).toEqual({ move: 3 });
    expect(listKey('ArrowDown', -1, 10, 5)).toEqual({ move: 0 });
    expect(listKey('Home', 7, 10, 5)).toEqual({ move: 0 });
    expect(listKey('End', 0, 10, 5)).toEqual({ move: 9 });
    expect(listKey('PageDown', 0, 100, 10)).toEqual({ move: 9 });
    expect(listKey('PageUp', 5, 100, 10)).toEqual({ move: 0 });
  });
  it('opens with Enter, ignores other keys and empty lists', () => {
    expect(listKey('Enter', 2, 10, 5)).toEqual({ open: 2 });
    expect(listKey('Enter', -1, 10, 5)).toBeNull();
    expect(listKey('x', 2, 10, 5)).toBeNull();
    expect(listKey('ArrowDown', 0, 0, 5)).toBeNull();
  });
});

describe('virtual rows', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(visibleRange(0, 440, 44, 5000, 6)).toEqual({ start: 0, end: 17 });
    expect(visibleRange(44 * 1000, 440, 44, 5000, 6)).toEqual({ start: 994, end: 1017 });
    expect(visibleRange(44 * 4995, 440, 44, 5000, 6)).toEqual({ start: 4989, end: 5000 });
    expect(visibleRange(0, 440, 44, 0)).toEqual({ start: 0, end: 0 });
  });
  it('scrolls just enough to show a row', () => {
    expect(scrollToRow(0, 100, 200, 20)).toBe(0);
    expect(scrollToRow(8, 100, 200, 20)).toBe(100); // already visible
    expect(scrollToRow(20, 100, 200, 20)).toBe(220);
  });
});
