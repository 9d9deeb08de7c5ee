// Issue 5: fixtures/hostile card hostile_native in the native view. No card
// script runs, no request leaves the app (the canary on 127.0.0.1:47291 hears
// nothing), javascript: links are inert, the Vega spec with data.url says so.
import path from 'node:path';
import { artifacts, assert, assertEqual, canary, copyFixture, sleep, startServe, test } from './harness.mjs';
import { cardKey, findCardFile, openCard } from './native-lib.mjs';

const loc = { flow: 'HostileFlow', run: '1795642761955764', step: 'start', task: '1' };

test('hostile_native: nothing runs, nothing leaves, links are inert', async (t) => {
  const can = await canary();
  t.cleanup(() => can.close());
  const root = await copyFixture('hostile');
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const key = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, 'blank-hostile_native-')));
  for (const scheme of ['light', 'dark']) {
    const page = await openCard(t.browser, srv, { ...loc, key }, { colorScheme: scheme, viewport: { width: 1440, height: 1000 } });
    const ctx = page.context();
    const popups = [];
    ctx.on('page', (p) => popups.push(p.url()));
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(srv.origin) && !r.url().startsWith('data:')) requests.push(r.url()); });
    const nv = page.getByTestId('native-view');
    await page.waitForFunction(() => document.querySelector('[data-id="vega_href"] [data-testid="vega-chart"]')?.dataset.ready === 'true', null, { timeout: 10000 });

    // The card's strings are text, never markup.
    assertEqual(await page.getByTestId('page-title').innerText().then((s) => s.toLowerCase()), '<img src=x onerror=alert(1)>', 'page title as text');
    assertEqual(await nv.locator('[data-id="tbl_hostile"] th').first().innerText(), '<script>window.__pwned=5</script>', 'header as text');
    assertEqual(await nv.locator('[data-id="tbl_hostile"] td').nth(1).innerText(), '</td></tr></table><script>window.__pwned=4</script>', 'cell as text');
    assert((await nv.locator('[data-id="artifact_hostile"]').innerText()).includes("'</script><script>window.__pwned=7</script>'"), 'artifact repr as text');
    assert((await nv.locator('[data-id="json_hostile"]').innerText()).includes('onerror=window.__pwned=8'), 'json as text');
    assertEqual(await nv.locator('[data-id="progress_hostile"] .label').innerText(), '<i>label</i>', 'progress label as text');
    assertEqual(await nv.locator('[data-id="md_hostile"] h1').innerText(), 'Hostile markdown', 'markdown heading');
    assertEqual(await nv.locator('script, iframe, object, embed, [onerror], [onclick], [onmouseover]').count(), 0, 'no active elements in the view');
    assertEqual(await nv.locator('a[href^="javascript:" i]').count(), 0, 'no javascript: link');
    assertEqual(await nv.locator('img:not([src^="data:"])').count(), 0, 'no remote image');

    // The Vega spec that loads data from a URL is not drawn and says why.
    const blocked = nv.locator('[data-id="vega_remote"] [data-testid="vega-blocked"]');
    assert((await blocked.innerText()).includes('Chart not drawn: it loads its data from a URL.'), 'data.url message');
    assert((await blocked.innerText()).includes('http://127.0.0.1:47291/vega-data.json'), 'data.url named');

    // Clicking the href marks (a javascript: one and a canary one) goes nowhere.
    const before = page.url();
    const points = nv.locator('[data-id="vega_href"] .mark-symbol path');
    assertEqual(await points.count(), 2, 'two href points');
    for (let i = 0; i < 2; i++) {
      const box = await points.nth(i).boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { modifiers: ['Control'] });
    }
    await sleep(800);
    assertEqual(page.url(), before, 'the app did not navigate');
    assertEqual(popups, [], 'no window opened');
    assertEqual(await page.evaluate(() => window.__pwned), undefined, 'window.__pwned');
    assertEqual(await page.evaluate(() => window.__hostileResults), undefined, 'no card script ran');
    await page.screenshot({ path: path.join(artifacts, `native-hostile-${scheme}.png`) });
    assertEqual(requests, [], 'requests outside the app');
    assertEqual(can.requests, [], 'canary requests');
    assertEqual(page.errors, [], 'page errors');
    await ctx.close();
  }
}, { timeout: 90000 });
