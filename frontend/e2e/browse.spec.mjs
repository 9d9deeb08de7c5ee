// Issue 4: the run browser on every fixture, and live updates without reload.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, copyFixture, midrunCut, openPage, replay, screenshot, startServe, test } from './harness.mjs';

// Run statuses read off the fixtures by docs/format.md §6 (DONE.lock +
// attempt_ok of each latest attempt; succeeded when the end step did).
const expected = {
  default: { DefaultCardFlow: { 1795642620378112: 'succeeded', 1795642625513910: 'succeeded' } },
  components: { ComponentsFlow: { 1795642631175149: 'succeeded' } },
  foreach: { ForeachFlow: { 1795642634789065: 'succeeded' } },
  failing: { FailingFlow: { 1795642652721113: 'failed' } },
  retry: { RetryFlow: { 1795642659547529: 'succeeded' } },
  live: { LiveCardFlow: { 1795642679591111: 'succeeded' } },
  live_midrun: { LiveCardFlow: { 1795642679591111: 'running' } },
  hostile: { HostileFlow: { 1795642761955764: 'succeeded' } },
  'older-2.11.0/failing': { FailingFlow: { 1795644075374843: 'failed' } },
  'older-2.11.0/retry': { RetryFlow: { 1795644082221861: 'succeeded' } },
  'older-2.12.39/live_midrun': { LiveCardFlow: { 1795644303389709: 'running' } },
  'older-2.12.39/default': { DefaultCardFlow: { 1795644253298450: 'succeeded', 1795644258246180: 'succeeded' } },
};

async function serveFixture(t, name) {
  const root = await copyFixture(name);
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  return srv;
}

test('every fixture: flows, runs and statuses on screen', async (t) => {
  for (const [fx, flows] of Object.entries(expected)) {
    const srv = await serveFixture(t, fx);
    const page = await openPage(t.browser, srv.url);
    t.cleanup(() => page.context().close());
    for (const [flow, runs] of Object.entries(flows)) {
      await page.getByTestId(`flow-${flow}`).click();
      for (const [run, status] of Object.entries(runs)) {
        const row = page.getByTestId(`run-${run}`);
        await row.waitFor({ timeout: 10000 });
        await page.waitForFunction(([id, st]) => document.querySelector(`[data-testid="run-${id}"]`)?.getAttribute('data-status') === st,
          [run, status], { timeout: 10000 }).catch(async () => {
          throw new Error(`${fx}: run ${run} shows ${await row.getAttribute('data-status')}, want ${status}`);
        });
      }
      const shown = await page.locator('[data-testid^="run-"][data-status]').count();
      assertEqual(shown, Object.keys(runs).length, `${fx}: run rows`);
    }
    assertEqual(page.errors, [], `${fx}: page errors`);
    await srv.stop();
  }
}, { timeout: 240000 });

test('components: every card opens in the card pane', async (t) => {
  const srv = await serveFixture(t, 'components');
  const page = await openPage(t.browser, srv.url);
  await page.getByTestId('flow-ComponentsFlow').click();
  await page.getByTestId('run-1795642631175149').click();
  await page.getByTestId('step-start').click();
  await page.getByTestId('task-1').click();
  const cards = page.locator('[data-testid^="card-"][data-type]');
  await cards.first().waitFor();
  const n = await cards.count();
  assertEqual(n, 3, 'cards of start/1');
  const kinds = [];
  for (let i = 0; i < n; i++) {
    const item = cards.nth(i);
    const key = (await item.getAttribute('data-testid')).slice('card-'.length);
    await item.click();
    const pane = page.getByTestId('card-pane');
    await page.waitForFunction((k) => document.querySelector('[data-testid="card-pane"]')?.getAttribute('data-key') === k, key);
    kinds.push(await pane.getAttribute('data-kind'));
    assertEqual(await pane.getAttribute('data-final'), 'true', `card ${i} final`);
    // Deep link names the card.
    assert(decodeURIComponent(new URL(page.url()).hash).endsWith(`/cards/${key}`), `hash names card ${key}: ${page.url()}`);
  }
  assertEqual(kinds, ['template', 'template', 'template'], 'card kinds');
  // Reload keeps the view (deep link).
  await page.reload();
  await page.getByTestId('card-pane').waitFor();
  await screenshot(page, 'browse-components-card');
  assertEqual(page.errors, [], 'page errors');
});

test('live: a running task turns succeeded and its cards appear, without reload', async (t) => {
  const srv = await serveFixture(t, 'live_midrun');
  const page = await openPage(t.browser, srv.url + '#/flows/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2');
  await page.waitForFunction(() => document.querySelector('[data-testid="task-view"]')?.getAttribute('data-status') === 'running', null, { timeout: 10000 });
  assertEqual(await page.getByTestId('run-view').getAttribute('data-status'), 'running', 'run status before');
  await page.evaluate(() => { window.__noReload = 1; });
  // The copy was taken mid-run: replay the writes that came after it.
  await replay(srv.root, { speed: 10, from: midrunCut(srv.root) });
  await page.waitForFunction(() => document.querySelector('[data-testid="task-view"]')?.getAttribute('data-status') === 'succeeded', null, { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="run-view"]')?.getAttribute('data-status') === 'succeeded', null, { timeout: 15000 }).catch(async (e) => { const api = await page.evaluate(async () => { const tok = [...document.querySelectorAll('meta[name="flowdeck-token"]')].pop().content; const r = await fetch('/api/runs/LiveCardFlow/1795642679591111?limit=0', {headers: {'X-Flowdeck-Token': tok}}); return (await r.json()).status; }); throw new Error(`run-view shows ${await page.getByTestId('run-view').getAttribute('data-status')}, api says ${api}: ${e}`); });
  await page.getByTestId('step-end').waitFor({ timeout: 10000 });
  assertEqual(await page.getByTestId('run-1795642679591111').getAttribute('data-status'), 'succeeded', 'run row status after');
  assertEqual(await page.evaluate(() => window.__noReload), 1, 'the page was not reloaded');
  assertEqual(page.errors, [], 'page errors');
});

test('live: a new run appears at the top while it starts', async (t) => {
  // An empty datastore; the live task is written into it from scratch.
  const root = await copyFixture('live_midrun');
  fs.rmSync(path.join(root, 'LiveCardFlow'), { recursive: true });
  fs.rmSync(path.join(root, 'mf.cards'), { recursive: true });
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, srv.url);
  await page.evaluate(() => { window.__noReload = 1; });
  const done = replay(root, { speed: 4 });
  await page.getByTestId('flow-LiveCardFlow').waitFor({ timeout: 15000 });
  await page.getByTestId('flow-LiveCardFlow').click();
  await page.getByTestId('run-1795642679591111').waitFor({ timeout: 15000 });
  await page.getByTestId('run-1795642679591111').click();
  await page.getByTestId('step-train').click({ timeout: 15000 });
  await page.getByTestId('task-2').click({ timeout: 15000 });
  // The three cards of the task appear as Metaflow writes them.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="card-"][data-type]').length === 3, null, { timeout: 15000 });
  assertEqual(await page.getByTestId('task-view').getAttribute('data-status'), 'running', 'task while cards render');
  await done;
  await page.waitForFunction(() => document.querySelector('[data-testid="run-1795642679591111"]')?.getAttribute('data-status') === 'succeeded', null, { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="task-view"]')?.getAttribute('data-status') === 'succeeded', null, { timeout: 15000 });
  assertEqual(await page.evaluate(() => window.__noReload), 1, 'the page was not reloaded');
  assertEqual(page.errors, [], 'page errors');
});
