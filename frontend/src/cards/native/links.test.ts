import { describe, expect, it } from 'vitest';
import { externalUrl, linkAction, readShell } from './links';

const base = 'http://127.0.0.1:8324/#/flows/F';

describe('links in cards', () => {
  it('opens only http(s) links outside the app, in serve mode; copies them in the window', () => {
    expect(linkAction('https://metaflow.org/docs', 'serve', base)).toEqual({ kind: 'open', url: 'https://metaflow.org/docs' });
    expect(linkAction('https://metaflow.org/docs', 'window', base)).toEqual({ kind: 'copy', url: 'https://metaflow.org/docs' });
  });

  it('never follows javascript:, data:, relative or same-origin links', () => {
    for (const href of ['javascript:window.__pwned=3', 'JavaScript:alert(1)', 'data:text/html,x', '/api/flows', '#/flows', 'http://127.0.0.1:8324/api', null]) {
      expect(linkAction(href, 'serve', base).kind).toBe('none');
      expect(externalUrl(href, base)).toBeNull();
    }
  });

  it('reads the shell from the page, window unless it says serve', () => {
    const doc = (content: string | null) => ({ querySelector: () => (content === null ? null : { getAttribute: () => content }) }) as never;
    expect(readShell(doc('serve'))).toBe('serve');
    expect(readShell(doc('window'))).toBe('window');
    expect(readShell(doc(null))).toBe('window');
  });
});
