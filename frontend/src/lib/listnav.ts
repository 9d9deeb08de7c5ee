// Keyboard movement in a list: which index a key moves the cursor to.

export type ListAction = { move: number } | { open: number } | null;

/**
 * What key does in a list of count items with the cursor at current (-1:
 * none) and page rows visible: ArrowUp/k, ArrowDown/j, Home, End, PageUp,
 * PageDown move; Enter opens. Other keys return null.
 */
export function listKey(key: string, current: number, count: number, page: number): ListAction {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return { move: current < 0 ? 0 : clamp(current + 1) };
    case 'ArrowUp':
    case 'k':
      return { move: current < 0 ? count - 1 : clamp(current - 1) };
    case 'Home':
      return { move: 0 };
    case 'End':
      return { move: count - 1 };
    case 'PageDown':
      return { move: clamp((current < 0 ? 0 : current) + Math.max(1, page - 1)) };
    case 'PageUp':
      return { move: clamp((current < 0 ? 0 : current) - Math.max(1, page - 1)) };
    case 'Enter':
    case ' ':
      return current >= 0 && current < count ? { open: current } : null;
    default:
      return null;
  }
}

/** The first and last (exclusive) rows to render for a virtual list. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): { start: number; end: number } {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(scrollTop / rowHeight);
  const shown = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings row index fully into view (unchanged if it is). */
export function scrollToRow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}
