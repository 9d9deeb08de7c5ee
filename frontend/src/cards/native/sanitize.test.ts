import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from './sanitize';

describe('sanitizeHtml', () => {
  it('keeps goldmark formatting', () => {
    const html = '<h1>All components</h1>\n<p>Some <em>markdown</em> <a href="https://x.org/a">link</a>.</p>\n';
    expect(sanitizeHtml(html)).toBe('<h1>All components</h1>\n<p>Some <em>markdown</em> <a href="https://x.org/a" rel="noopener noreferrer">link</a>.</p>\n');
  });

  it('drops scripts, handlers, javascript: links, comments and remote images', () => {
    const out = sanitizeHtml(
      '<!-- raw --><script>window.__pwned=1</script><p onclick="x()">a <a href="javascript:alert(1)">b</a>' +
        '<img src="http://127.0.0.1:47291/i" alt="remote"><iframe name="f"></iframe></p>',
    );
    expect(out).not.toMatch(/script|onclick|javascript|iframe|<img|<!--/);
    expect(out).toContain('[image not loaded: remote]');
    expect(out).toContain('<a rel="noopener noreferrer">b</a>');
  });

  it('keeps data: images', () => {
    expect(sanitizeHtml('<img src="data:image/png;base64,AAAA" alt="x">')).toBe('<img src="data:image/png;base64,AAAA" alt="x">');
  });
});
