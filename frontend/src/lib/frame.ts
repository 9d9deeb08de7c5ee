/** A function that runs fn at most once per animation frame; cancel drops
 *  a pending run (when its component goes away). */
export interface PerFrame {
  (): void;
  cancel(): void;
}

/**
 * fn at most once per animation frame, however often the returned function
 * is called: a scroll handler reads the scroll position once per frame
 * rather than once per scroll event.
 */
export function oncePerFrame(fn: () => void): PerFrame {
  let frame = 0;
  const run = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      fn();
    });
  };
  run.cancel = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  };
  return run;
}
