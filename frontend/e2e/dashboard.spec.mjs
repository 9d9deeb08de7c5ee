// Issue 16, foreach dashboard: a live foreach of 100 tasks (internal/livesim,
// every task's card updating every second) shows 100 tiles, of which only
// those in view are in the DOM; a tile shows the progress and value box its
// task wrote to disk; tiles scrolled into view load; a click and Enter open
// the task; and it is screenshotted in both themes.
import path from 'node:path';
import { assert, assertEqual, openPage, screenshot, startServe, test, tmpDir } from './harness.mjs';
import { dashboardHash, readTaskData, startLiveForeach, waitTasks } from './dashlib.mjs';

const STEP = 'process';
const UPDATES = 60;

async function setup(t, scheme) {
  const root = path.join(await tmpDir(), '.metaflow');
  const sim = await startLiveForeach(root, { width: 100, intervalMs: 1000, updates: UPDATES });
  t.cleanup(() => sim.stop());
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  await waitTasks(srv, sim.flow, sim.run, STEP, 100);
  const page = await openPage(t.browser, `${srv.url}${dashboardHash(sim.flow, sim.run, STEP)}`, { colorScheme: scheme, viewport: { width: 1440, height: 900 } });
  t.cleanup(() => page.context().close());
  await page.getByTestId('dashboard-grid').waitFor({ timeout: 20000 });
  return { root, sim, srv, page };
}

// Every (progress, value) pair the tile of task showed, with its time.
async function recordTile(page, task) {
  await page.evaluate((task) => {
    window.__tile = [];
    const read = () => {
      const el = document.querySelector(`[data-testid="dash-tile"][data-task="${task}"]`);
      const p = el?.querySelector('[data-testid="tile-progress-value"]')?.textContent ?? null;
      const v = el?.querySelector('[data-testid="tile-value-value"]')?.textContent ?? null;
      const last = window.__tile[window.__tile.length - 1];
      if (p !== null && (!last || last.p !== p || last.v !== v)) window.__tile.push({ p, v, t: Date.now() });
    };
    read();
    new MutationObserver(read).observe(document.querySelector('[data-testid="dashboard-grid"]'), { subtree: true, childList: true, characterData: true });
  }, task);
}

test('the foreach dashboard shows 100 tiles of a live foreach and updates them as the tasks write', async (t) => {
  const { root, sim, page } = await setup(t, 'light');
  await page.waitForFunction(() => document.querySelector('[data-testid="dashboard"]')?.dataset.tiles === '100', null, { timeout: 20000 });
  assert((await page.getByTestId('dashboard-count').textContent()).includes('100 tasks'), 'the header counts 100 tasks');
  // Virtual: only the rows in view (and one more) are in the DOM.
  const inDom = await page.getByTestId('dash-tile').count();
  assert(inDom > 0 && inDom < 60, `${inDom} tiles in the DOM of 100`);
  const first = await page.getByTestId('dash-tile').first().getAttribute('data-task');
  await recordTile(page, first);

  // Read what the task wrote, then see the tile show exactly that.
  const seenDisk = [];
  for (let i = 0; i < 4; i++) {
    await page.waitForTimeout(1500);
    const d = readTaskData(root, sim.flow, sim.run, STEP, first);
    seenDisk.push({ p: `${d.data.shard_progress.value}/${UPDATES}`, v: String(d.data.shard_score.value) });
  }
  await page.waitForTimeout(1500);
  const shown = await page.evaluate(() => window.__tile);
  // Two writes can land in one fetch on a loaded machine (the tile then
  // shows the newer), so one sample of four may be skipped; never more.
  const matched = seenDisk.filter((w) => shown.some((s) => s.p === w.p && s.v === w.v));
  assert(matched.length >= 3, `tile ${first} showed ${matched.length} of the 4 values read from disk (${JSON.stringify(seenDisk)}); it showed ${JSON.stringify(shown.slice(-8))}`);
  const ps = new Set(shown.map((s) => s.p));
  assert(ps.size >= 4, `the tile changed live (${[...ps].join(', ')})`);
  // The chart's small multiple and the markdown's last line are there too.
  const tile = page.locator(`[data-testid="dash-tile"][data-task="${first}"]`);
  assert(Number(await tile.getByTestId('tile-chart').getAttribute('data-points')) >= 2, 'the small multiple has points');
  assert(/^batch \d+ of 60$/.test(await tile.getByTestId('tile-line').textContent()), 'the last markdown line');

  // The last row scrolled into view loads its cards.
  await page.getByTestId('dashboard-grid').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  const lastTask = await page.waitForFunction(() => {
    const tiles = [...document.querySelectorAll('[data-testid="dash-tile"]')];
    const withValue = tiles.filter((el) => el.querySelector('[data-testid="tile-progress-value"]'));
    const idx = tiles.map((el) => el.querySelector('.fe')?.textContent ?? '');
    return idx.some((s) => s.includes('[99]')) && withValue.some((el) => el.querySelector('.fe')?.textContent.includes('[99]')) ? 'ok' : null;
  }, null, { timeout: 30000 }).catch(async (e) => {
    await screenshot(page, 'dashboard-fail-bottom');
    const tiles = await page.$$eval('[data-testid="dash-tile"]', (els) => els.map((el) => `${el.querySelector('.fe')?.textContent.trim()}:${el.dataset.card ? 'card' : 'nocard'}:${el.querySelector('[data-testid="tile-progress-value"]')?.textContent ?? el.querySelector('.none')?.textContent}`));
    throw new Error(`tile [99] not loaded after scrolling; tiles in the DOM: ${tiles.join(', ')}: ${e.message}`);
  });
  assert(await lastTask.jsonValue() === 'ok', 'tile [99] loaded after scrolling');
  await screenshot(page, 'dashboard-light-bottom');

  // Sorting by the score: highest first, every tile's value read.
  await page.getByTestId('dashboard-grid').evaluate((el) => { el.scrollTop = 0; });
  await page.getByTestId('dashboard-sort').selectOption('value:Score');
  await page.getByTestId('dashboard-dir').click();
  await page.waitForTimeout(2500);
  const scores = await page.$$eval('[data-testid="dash-tile"]', (els) => els
    .map((el) => ({ y: el.parentElement.getBoundingClientRect().top, x: el.parentElement.getBoundingClientRect().left, v: Number(el.querySelector('[data-testid="tile-value-value"]')?.textContent) }))
    .sort((a, b) => a.y - b.y || a.x - b.x).slice(0, 6).map((s) => s.v));
  assert(scores.every((v) => Number.isFinite(v)), `scores shown ${scores}`);
  // Values move every second; the order is taken from the same frames, so allow one step of drift.
  assert(scores[0] >= scores[5] - 0.05, `highest first: ${scores}`);
  await screenshot(page, 'dashboard-light-sorted');

  // Keyboard: focus the grid, move right, Enter opens that task.
  await page.getByTestId('dashboard-sort').selectOption('index');
  await page.getByTestId('dashboard-dir').click();
  await page.getByTestId('dashboard-grid').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /\/steps\/process\/tasks\/\d+/.test(location.hash), null, { timeout: 10000 });
  const hash = await page.evaluate(() => location.hash);
  const firstTwo = (await waitTasksList(page)).slice(0, 2);
  assert(hash.includes(`/tasks/${firstTwo[1]}`), `Enter opened the second tile (${hash}, tiles ${firstTwo})`);
  // Esc comes back to the dashboard's step; the run page links to the dashboard.
  await page.getByTestId('open-dashboard').waitFor();
  await screenshot(page, 'dashboard-link');
  await page.getByTestId('open-dashboard').click();
  await page.getByTestId('dashboard-grid').waitFor();
  await page.locator(`[data-testid="dash-tile"][data-task="${first}"]`).click();
  await page.waitForFunction((f) => location.hash.includes(`/tasks/${f}`), first, { timeout: 10000 });
  assertEqual(page.errors, [], 'no console errors');
}, { timeout: 180000 });

// The task ids in foreach index order, read from the API the page uses.
async function waitTasksList(page) {
  return page.evaluate(async () => {
    const m = /#\/flows\/([^/]+)\/runs\/([^/]+)/.exec(location.hash);
    const tok = [...document.querySelectorAll('meta[name="flowdeck-token"]')].pop().content;
    const r = await fetch(`/api/runs/${m[1]}/${m[2]}/steps/process?limit=5000`, { headers: { 'X-Flowdeck-Token': tok } });
    const s = await r.json();
    return s.tasks.slice().sort((a, b) => a.foreach_index - b.foreach_index).map((x) => x.id);
  });
}

test('the foreach dashboard in the dark theme', async (t) => {
  const { page } = await setup(t, 'dark');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile-progress-value"]').length > 10, null, { timeout: 20000 });
  await page.waitForTimeout(2500);
  await screenshot(page, 'dashboard-dark');
  assertEqual(page.errors, [], 'no console errors');
}, { timeout: 120000 });
