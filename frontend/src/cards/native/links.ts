// Links inside a card never navigate the app. The markdown HTML comes from
// goldmark on the Go side (no raw HTML, no dangerous URLs), but a click on a
// link would still replace the app or, in the desktop window, leave it. So
// every click on a link in the native view is stopped here; in `flowdeck
// serve` (a browser tab) an http(s) link opens in a new tab without opener,
// and in the desktop window the address is copied instead.

export type Shell = 'serve' | 'window';

/** Which shell serves the page (<meta name="flowdeck-shell">); window unless it says serve. */
export function readShell(doc: Pick<Document, 'querySelector'> | undefined): Shell {
  const v = doc?.querySelector('meta[name="flowdeck-shell"]')?.getAttribute('content');
  return v === 'serve' ? 'serve' : 'window';
}

/** An http(s) URL that may be opened outside the app, else null. */
export function externalUrl(href: string | null, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    // A relative link would point into the app itself.
    if (u.origin === new URL(base).origin) return null;
    return u.href;
  } catch {
    return null;
  }
}

export interface LinkAction {
  kind: 'open' | 'copy' | 'none';
  url: string | null;
}

/** What a click on a link with this href does in this shell. */
export function linkAction(href: string | null, shell: Shell, base: string): LinkAction {
  const url = externalUrl(href, base);
  if (url === null) return { kind: 'none', url: null };
  return { kind: shell === 'serve' ? 'open' : 'copy', url };
}

/**
 * A capture-phase click handler for a native view's root: stops every link
 * and does what linkAction says. `notify` tells the user what happened.
 */
export function interceptLinks(shell: Shell, notify: (msg: string) => void) {
  return (ev: MouseEvent) => {
    const t = ev.target as Element | null;
    const a = t?.closest?.('a');
    if (!a) return;
    ev.preventDefault();
    const act = linkAction(a.getAttribute('href'), shell, location.href);
    if (act.kind === 'open' && act.url) {
      window.open(act.url, '_blank', 'noopener,noreferrer');
    } else if (act.kind === 'copy' && act.url) {
      const url = act.url;
      navigator.clipboard?.writeText(url).then(
        () => notify(`Link copied: ${url}`),
        () => notify(`Links do not open from a card: ${url}`),
      );
    } else {
      notify('This link does not open from a card.');
    }
  };
}
