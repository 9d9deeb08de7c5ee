// Issue 14: a VegaChart of a real Metaflow 2.19 card draws in the original
// view. Metaflow's bundled Vega compiles chart expressions with new
// Function, which the card frame's CSP must allow ('unsafe-eval').
//
// The fixtures keep the card HTML that Metaflow 2.19 wrote, but with its
// 1 MB JavaScript bundle elided (a comment in its place). This test puts a
// renderer back in that place: the same Vega (with Vega-Lite and
// vega-embed, as Metaflow bundles them) from this project's own npm
// dependencies, drawing the card's own vegaChart component from the card's
// own embedded data. What it proves is what failed before: Vega compiling
// its expressions inside the sandboxed, CSP-restricted frame.
import fs from 'node:fs';
import path from 'node:path';
import { assert, copyFixture, openPage, repo, screenshot, startServe, test } from './harness.mjs';
import { cardKey, cardRoute, shownFrame, showOriginal } from './original-helpers.mjs';

const RUN = '1795642631175149';
const CARD = 'blank-components-91799b4963d445a18b97e8f05e7c04cb';
const modules = path.join(repo, 'frontend', 'node_modules');
const lib = (p) => fs.readFileSync(path.join(modules, p), 'utf8').replaceAll('</script', '<\\/script');

// Renders every vegaChart of the card's data (base64 JSON in __MF_DATA__),
// as Metaflow's VegaChart component does: vegaEmbed(el, spec, options).
const renderer = `
(function () {
  var data = JSON.parse(atob(window.__MF_DATA__[mfCardDataId]));
  var charts = [];
  (function walk(x) {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (x.type === 'vegaChart') charts.push(x);
      else Object.keys(x).forEach(function (k) { walk(x[k]); });
    }
  })(data.components);
  var app = document.querySelector('.card_app');
  charts.forEach(function (c) {
    var el = document.createElement('div');
    el.style.width = '400px';
    el.dataset.chart = c.id;
    app.appendChild(el);
    vegaEmbed(el, c.spec, c.options || {}).catch(function (e) { document.body.dataset.vegaError = String(e); });
  });
})();`;

test('a real 2.19 VegaChart draws in the original view (unsafe-eval in the frame)', async (t) => {
  const root = await copyFixture('components');
  const file = path.join(root, 'mf.cards/ComponentsFlow/runs', RUN, 'steps/start/tasks/1/cards', `${CARD}.html`);
  const html = fs.readFileSync(file, 'utf8');
  const elided = /<script>\/\* metaflow card bundle elided[^<]*<\/script>/;
  assert(elided.test(html), 'the fixture card no longer has its elided bundle marker');
  assert(/"type": "vegaChart"/.test(Buffer.from(html.match(/__MF_DATA__\["[^"]+"\] = "([^"]+)"/)[1], 'base64').toString()),
    'the card data has no vegaChart');
  const bundle = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js']
    .map((p) => `<script>${lib(p)}</script>`).join('\n');
  fs.writeFileSync(file, html.replace(elided, () => `${bundle}\n<script>${renderer}</script>`));

  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const key = cardKey('ComponentsFlow', RUN, 'start', '1', CARD);
  const page = await openPage(t.browser, srv.url + cardRoute('ComponentsFlow', RUN, 'start', '1', key));
  t.cleanup(() => page.context().close());
  await showOriginal(page, key);
  const frame = await shownFrame(page);
  const drawn = await frame.waitForFunction(() => {
    const el = document.querySelector('[data-chart] svg, [data-chart] canvas');
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 50 && r.height > 50;
  }, null, { timeout: 15000 }).then(() => true, () => false);
  const vegaError = await frame.evaluate(() => document.body.dataset.vegaError ?? null);
  await screenshot(page, 'original-vega');
  assert(drawn, `no chart drawn in the frame: ${vegaError}; console: ${JSON.stringify(page.errors)}`);
  assert(vegaError === null, `vega failed: ${vegaError}`);
});
