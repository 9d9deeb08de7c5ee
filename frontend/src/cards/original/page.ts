// What the app page says about card scripts, and the test hook that reports
// the original view's frames (only when the server runs with a test log).

import { readToken, TOKEN_HEADER } from '../../lib/api';

export type ScriptPolicy = 'run' | 'ask';

/**
 * "run": card scripts run in the sandboxed frame at once (serve mode, and
 * the window once Wails' message channel is closed). "ask": the window
 * could not close that channel; scripts run only after the user agrees.
 * Without the meta (a dev server), the window asks and a browser runs.
 */
export function scriptPolicy(doc: Pick<Document, 'querySelector'> | undefined = globalThis.document): ScriptPolicy {
  const content = doc?.querySelector('meta[name="flowdeck-card-scripts"]')?.getAttribute('content');
  if (content === 'run' || content === 'ask') return content;
  const shell = doc?.querySelector('meta[name="flowdeck-shell"]')?.getAttribute('content');
  return shell === 'window' ? 'ask' : 'run';
}

export function shellName(doc: Pick<Document, 'querySelector'> | undefined = globalThis.document): string {
  return doc?.querySelector('meta[name="flowdeck-shell"]')?.getAttribute('content') ?? '';
}

function testLogOn(): boolean {
  return globalThis.document?.querySelector('meta[name="flowdeck-test-log"]') != null;
}

/** Reports an event to the server's test log (no-op unless it has one). */
export function reportTest(event: string, fields: Record<string, unknown> = {}): void {
  if (!testLogOn()) return;
  const body = JSON.stringify({ ...fields, event });
  void fetch('/api/test/log', {
    method: 'POST',
    headers: { [TOKEN_HEADER]: readToken(globalThis.document), 'Content-Type': 'application/json' },
    body,
  }).catch(() => undefined);
}

/**
 * Test hook (a Svelte action): reports where an element is, so the window
 * test can click it through X like a user. No-op without a test log. The
 * element can move after it mounts (a deep link shows the card before its
 * task's card list fills in above it), so it reports again whenever its
 * box changes, for as long as the test may still be aiming at it.
 */
export function locateForTest(el: HTMLElement, name: string) {
  if (!testLogOn()) return;
  let last = '';
  const report = () => {
    if (!el.isConnected) return;
    const r = el.getBoundingClientRect();
    const box = { x: r.left, y: r.top, w: r.width, h: r.height };
    const key = JSON.stringify(box);
    if (key === last) return;
    last = key;
    reportTest('original:element', { name, ...box, dpr: devicePixelRatio });
  };
  requestAnimationFrame(report);
  const poll = setInterval(report, 100);
  const stop = setTimeout(() => clearInterval(poll), 15_000);
  return {
    destroy() {
      clearInterval(poll);
      clearTimeout(stop);
    },
  };
}
