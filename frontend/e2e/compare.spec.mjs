// Issue 16, compare: runs of a flow picked in the runs table open the
// compare page, whose table marks the parameters that differ; the CSV
// export holds the same values; the demo's runs overlay their loss chart
// (one layer per run) and the live run's column follows it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, binary, copyFixture, openPage, screenshot, startServe, test, tmpDir } from './harness.mjs';

const FLOW = 'DefaultCardFlow';
const OLD = '1795642620378112';
const NEW = '1795642625513910';

async function cell(page, name, run) {
  return page.locator(`[data-testid="compare-row"][data-name="${name}"] td[data-run="${run}"]`).innerText();
}

/** Clicks Export CSV (a download in serve mode) and returns the file's text. */
async function downloadCsv(page, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-csv"]').click()]);
  assertEqual(download.suggestedFilename(), name, 'csv file name');
  const file = path.join(await tmpDir(), download.suggestedFilename());
  await download.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

test('compare two runs picked in the runs table: the parameter difference is marked; CSV export', async (t) => {
  const srv = await startServe(await copyFixture('default'));
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, `${srv.url}#/flows/${FLOW}`);
  t.cleanup(() => page.context().close());
  await page.locator(`[data-testid="row-${NEW}"]`).waitFor();
  const button = page.locator('[data-testid="compare-runs"]');
  assert(await button.isDisabled(), 'Compare is off with no run picked');
  await page.locator(`[data-testid="pick-${NEW}"]`).check();
  // x on the active row picks it too: move to the older run and press x.
  await page.locator('[data-testid="table-runs"]').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  assertEqual(await button.innerText(), 'Compare (2)', 'two runs picked');
  await button.click();
  await page.waitForFunction((h) => location.hash === h, `#/flows/${FLOW}/compare/${OLD},${NEW}`);
  const alpha = page.locator('[data-testid="compare-row"][data-name="alpha"]');
  await alpha.waitFor();
  assertEqual(await alpha.getAttribute('data-differs'), 'true', 'alpha differs');
  assertEqual(await cell(page, 'alpha', OLD), '0.5', 'alpha of the older run');
  assertEqual(await cell(page, 'alpha', NEW), '0.9', 'alpha of the newer run');
  const total = page.locator('[data-testid="compare-row"][data-group="artifact"][data-name="total"]');
  assertEqual(await total.getAttribute('data-differs'), 'false', 'the end step total is equal');
  // Hiding equal rows keeps alpha and drops total.
  await page.locator('[data-testid="only-diff"]').check();
  await total.waitFor({ state: 'detached' });
  assert(await alpha.isVisible(), 'alpha stays');
  // The cards of both runs side by side.
  assertEqual(await page.locator('[data-testid="compare-pane"]').count(), 2, 'one pane per run');
  // A deep link opens the same page.
  const deep = await openPage(t.browser, `${srv.url}#/flows/${FLOW}/compare/${NEW},${OLD}`);
  t.cleanup(() => deep.context().close());
  await deep.locator('[data-testid="compare-row"][data-name="label"]').waitFor();
  assertEqual(await cell(deep, 'label', OLD), "'corpus'", 'label of the older run');
  assertEqual(await deep.locator('[data-testid="compare-table"] thead th.run').first().innerText(), NEW, 'columns in the link\'s order');
  // CSV: the same values, a column per run in the page's order, built by
  // the page and downloaded under the server's export name.
  const lines = (await downloadCsv(page, `${FLOW}-compare-${OLD}_${NEW}.csv`)).trim().split('\n');
  assertEqual(lines[0], `group,name,source,${OLD},${NEW}`, 'csv header');
  assert(lines.includes('parameter,alpha,,0.5,0.9'), `csv alpha line in ${lines.join(' | ')}`);
  assert(lines.includes('artifact,total,end,3,3'), 'csv total line');
  assertEqual(page.errors.length, 0, `console errors: ${page.errors.join('; ')}`);
});

test('compare with previous, from the run page', async (t) => {
  const srv = await startServe(await copyFixture('default'));
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, `${srv.url}#/flows/${FLOW}/runs/${NEW}`);
  t.cleanup(() => page.context().close());
  await page.locator('[data-testid="compare-previous"]').click();
  await page.waitForFunction((h) => location.hash === h, `#/flows/${FLOW}/compare/${OLD},${NEW}`);
  await page.locator('[data-testid="compare-row"][data-name="alpha"][data-differs="true"]').waitFor();
});

test('the exported HTML opens from file:// with the network off and shows the same values', async (t) => {
  const srv = await startServe(await copyFixture('default'));
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, `${srv.url}#/flows/${FLOW}/compare/${OLD},${NEW}`);
  t.cleanup(() => page.context().close());
  await page.locator('[data-testid="compare-row"][data-name="alpha"]').waitFor();
  // The button is a download link in serve mode.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-html"]').click()]);
  const dir = await tmpDir();
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  assert(file.endsWith('.html'), `file name ${file}`);
  const body = fs.readFileSync(file, 'utf8');
  assert(body.includes("Content-Security-Policy\" content=\"default-src 'none'"), 'the file forbids every load');
  assert(!/<script[^>]+src=|<link[^>]+href=/i.test(body), 'no external script or stylesheet');

  const ctx = await t.browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.cleanup(() => ctx.close());
  await ctx.setOffline(true);
  const asked = [];
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:')) return route.continue();
    asked.push(u);
    return route.abort();
  });
  const off = await ctx.newPage();
  const errors = [];
  off.on('pageerror', (e) => errors.push(String(e)));
  off.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await off.goto('file://' + file);
  const alpha = off.locator('[data-testid="compare-row"][data-name="alpha"]');
  await alpha.waitFor();
  assertEqual(await alpha.getAttribute('data-differs'), 'true', 'alpha differs offline');
  assertEqual(await cell(off, 'alpha', OLD), '0.5', 'alpha of the older run offline');
  assertEqual(await cell(off, 'alpha', NEW), '0.9', 'alpha of the newer run offline');
  assertEqual(await cell(off, 'label', NEW), await cell(page, 'label', NEW), 'same label as the page');
  // The first card of each run in the native view.
  await off.locator('[data-testid="export-card"] [data-testid="native-view"]').first().waitFor();
  assertEqual(await off.locator('[data-testid="export-card"]').count(), await page.locator('[data-testid="card-picker"] option').count(), 'every matched card');
  assertEqual(asked.length, 0, `the file asked for ${asked.join(', ')}`);
  assertEqual(errors.length, 0, `errors: ${errors.join('; ')}`);
});

/** Starts `flowdeck demo --serve`: two finished runs and a live one. */
async function startDemo() {
  const proc = spawn(binary(), ['demo', '--serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited ${code}: ${out}`)); });
  });
  return {
    url,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGINT');
      await new Promise((r) => { const tm = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000); proc.on('exit', () => { clearTimeout(tm); r(); }); });
    },
  };
}

test('the demo: the loss chart overlays one layer per run; the live run updates its column', async (t) => {
  const demo = await startDemo();
  t.cleanup(() => demo.stop());
  const page = await openPage(t.browser, `${demo.url}#/flows/DemoFlow`, { viewport: { width: 1440, height: 1000 } });
  t.cleanup(() => page.context().close());
  const rows = page.locator('[data-testid="table-runs"] [role="option"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="table-runs"] [role="option"]').length >= 3);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')));
  const live = ids[0];
  // Wait until the live run's train step has a card with points.
  await page.goto(`${demo.url}#/flows/DemoFlow/compare/${ids[2]},${ids[1]},${live}`);
  const lr = page.locator('[data-testid="compare-row"][data-name="learning_rate"]');
  await lr.waitFor({ timeout: 30000 });
  assertEqual(await lr.getAttribute('data-differs'), 'true', 'learning rates differ');
  const chart = page.locator('[data-testid="overlay-chart"][data-chart="loss_chart"]');
  await chart.waitFor({ timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('[data-chart="loss_chart"]')?.getAttribute('data-runs') === '3', null, { timeout: 60000 });
  // The drawn chart: one legend entry and one line per run.
  await page.waitForFunction(() => document.querySelectorAll('[data-chart="loss_chart"] svg .role-legend-label text').length === 3, null, { timeout: 30000 });
  // The live run draws its line from its first point on.
  await page.waitForFunction(() => document.querySelectorAll('[data-chart="loss_chart"] svg .mark-line path').length === 3, null, { timeout: 30000 });
  // The live run's column follows its card: the Loss value box changes.
  const loss = page.locator(`[data-testid="compare-row"][data-name="Loss"] td[data-run="${live}"]`);
  await loss.waitFor({ timeout: 30000 });
  const first = await loss.innerText();
  await page.waitForFunction(([sel, v]) => { const e = document.querySelector(sel); return e && e.textContent !== v; },
    [`[data-testid="compare-row"][data-name="Loss"] td[data-run="${live}"]`, first], { timeout: 30000 });
  await screenshot(page, 'compare-demo');
  // The CSV holds the ValueBox rows the page built, as the table shows them.
  const ids3 = [ids[2], ids[1], live];
  const shownLoss = await Promise.all(ids3.map((id) => cell(page, 'Loss', id)));
  const csv = (await downloadCsv(page, `DemoFlow-compare-${ids3.join('_')}.csv`)).trim().split('\n');
  assertEqual(csv[0], `group,name,source,${ids3.join(',')}`, 'demo csv header');
  const lossLine = csv.find((l) => l.startsWith('valuebox,Loss,train · blank#live,'));
  assert(lossLine, `no Loss ValueBox line in ${csv.join(' | ')}`);
  // The finished runs' values are final; the live one may have moved on.
  const csvLoss = lossLine.split(',').slice(3);
  assertEqual(csvLoss.slice(0, 2).join(','), shownLoss.slice(0, 2).join(','), 'finished runs\' Loss as shown');
  assert(/^\d/.test(csvLoss[2]), `live run's Loss ${csvLoss[2]}`);
  // The offline file draws the same overlay with its bundled Vega.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-html"]').click()]);
  const file = path.join(await tmpDir(), download.suggestedFilename());
  await download.saveAs(file);
  const ctx = await t.browser.newContext();
  t.cleanup(() => ctx.close());
  await ctx.setOffline(true);
  await ctx.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  const off = await ctx.newPage();
  await off.goto('file://' + file);
  await off.waitForFunction(() => document.querySelectorAll('[data-chart="loss_chart"] svg .role-legend-label text').length === 3, null, { timeout: 30000 });
  // Its ValueBox rows are built from the cards' data as on the page.
  await off.locator('[data-testid="compare-row"][data-name="Loss"]').waitFor();
  for (const id of ids3.slice(0, 2)) assertEqual(await cell(off, 'Loss', id), await cell(page, 'Loss', id), `offline Loss of ${id}`);
  assert(/^\d/.test(await cell(off, 'Loss', live)), 'offline Loss of the live run');
  assertEqual(page.errors.length, 0, `console errors: ${page.errors.join('; ')}`);
}, { timeout: 180000 });
