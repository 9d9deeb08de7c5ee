// Keyboard movement in a grid of count tiles laid out cols per row: arrows
// move by one tile or one row; j/k, Home/End, PageUp/PageDown and Enter as
// in a list (listnav.ts).

import { listKey, type ListAction } from './listnav';

export function gridKey(key: string, current: number, count: number, cols: number, pageRows: number): ListAction {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  const c = Math.max(1, cols);
  const at = current < 0 ? 0 : current;
  switch (key) {
    case 'ArrowRight':
      return { move: current < 0 ? 0 : clamp(current + 1) };
    case 'ArrowLeft':
      return { move: current < 0 ? 0 : clamp(current - 1) };
    case 'ArrowDown':
      return { move: current < 0 ? 0 : clamp(current + c) };
    case 'ArrowUp':
      return { move: current < 0 ? 0 : clamp(current - c) };
    case 'PageDown':
      return { move: clamp(at + c * Math.max(1, pageRows - 1)) };
    case 'PageUp':
      return { move: clamp(at - c * Math.max(1, pageRows - 1)) };
    default:
      return listKey(key, current, count, pageRows);
  }
}
