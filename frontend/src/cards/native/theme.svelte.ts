// Whether the app is dark right now: the <html data-theme> override if set,
// else the system setting (src/app.css). Vega charts read their colours from
// the app's CSS variables and are redrawn when this changes.

class ThemeWatch {
  dark = $state(false);
  #users = 0;
  #stop: (() => void) | null = null;

  /** Starts watching while at least one user holds it; call the result to release. */
  hold(): () => void {
    if (this.#users++ === 0) this.#start();
    return () => {
      if (--this.#users === 0) {
        this.#stop?.();
        this.#stop = null;
      }
    };
  }

  #start(): void {
    if (typeof window === 'undefined' || typeof document === 'undefined') return;
    const root = document.documentElement;
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const read = () => {
      const t = root.dataset.theme;
      this.dark = t === 'dark' || (t !== 'light' && (mq?.matches ?? false));
    };
    read();
    const mo = new MutationObserver(read);
    mo.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    mq?.addEventListener?.('change', read);
    this.#stop = () => {
      mo.disconnect();
      mq?.removeEventListener?.('change', read);
    };
  }
}

export const theme = new ThemeWatch();

/**
 * The value of a CSS variable of the app's theme at el. The palette's colours
 * are light-dark() pairs (src/app.css), which a custom property keeps as
 * written: those are resolved to the colour el's color-scheme picks, through
 * a hidden probe, since a chart cannot draw with light-dark().
 */
export function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  if (!v.startsWith('light-dark(')) return v || fallback;
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = `var(${name})`;
  el.appendChild(probe);
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c || fallback;
}
