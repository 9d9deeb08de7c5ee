// A second line of defence for markdown HTML. The Go side renders it with
// goldmark (raw HTML omitted, dangerous URLs dropped); this pass keeps that
// promise even if the HTML came from elsewhere: only plain formatting
// elements and attributes survive, links keep only http(s)/mailto/# targets
// (clicks are intercepted anyway: links.ts), and images only data: sources,
// so showing markdown never makes a request. Parsing uses an inert document:
// nothing in it loads or runs.

const TAGS = new Set(
  ('p h1 h2 h3 h4 h5 h6 em strong b i del s code pre blockquote ul ol li a img table thead tbody tfoot tr th td ' +
    'hr br span div sup sub input kbd mark small').split(' '),
);
const ATTRS: Record<string, Set<string>> = {
  a: new Set(['href', 'title']),
  img: new Set(['src', 'alt', 'title']),
  th: new Set(['align']),
  td: new Set(['align']),
  ol: new Set(['start']),
  code: new Set(['class']),
  input: new Set(['type', 'checked', 'disabled']),
};

export function safeLink(href: string): boolean {
  return /^(https?:|mailto:|#)/i.test(href.trim());
}

export function sanitizeHtml(html: string): string {
  if (typeof DOMParser === 'undefined') return '';
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  clean(doc.body, doc);
  return doc.body.innerHTML;
}

function clean(el: Element, doc: Document): void {
  for (const child of [...el.childNodes]) {
    if (child.nodeType === 8) {
      child.remove();
      continue;
    }
    if (child.nodeType !== 1) continue;
    const c = child as Element;
    const tag = c.tagName.toLowerCase();
    if (!TAGS.has(tag)) {
      // Keep the text of an unknown element, never the element.
      if (tag === 'script' || tag === 'style' || tag === 'template') c.remove();
      else c.replaceWith(...[...c.childNodes].map((n) => (n.nodeType === 3 ? n : doc.createTextNode(n.textContent ?? ''))));
      continue;
    }
    const allowed = ATTRS[tag];
    for (const a of [...c.attributes]) if (!allowed?.has(a.name)) c.removeAttribute(a.name);
    if (tag === 'a') {
      const href = c.getAttribute('href');
      if (href !== null && !safeLink(href)) c.removeAttribute('href');
      c.setAttribute('rel', 'noopener noreferrer');
    }
    if (tag === 'img') {
      const src = c.getAttribute('src') ?? '';
      if (!/^data:image\//i.test(src)) {
        const span = doc.createElement('span');
        span.className = 'blocked-img';
        span.textContent = `[image not loaded: ${c.getAttribute('alt') || src}]`;
        span.setAttribute('title', `Flowdeck shows embedded (data:) images only: ${src}`);
        c.replaceWith(span);
        continue;
      }
    }
    if (tag === 'input' && c.getAttribute('type') !== 'checkbox') {
      c.remove();
      continue;
    }
    clean(c, doc);
  }
}
