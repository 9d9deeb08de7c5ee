// Issue 14, navigation: where Flowdeck lands with no route, Follow keeping
// the user's place, keys from the first keypress, the messages, and the
// layout at 800 px. Real `flowdeck serve` on copies of the fixtures.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { assert, assertEqual, copyFixture, pageFor as page, routeHash as hash, screenshot, serveFor as serve, startDemo, test, tmpDir } from './harness.mjs';

const LIVE_RUN = '1795642679591111';

test('with a running run, its live card is on screen with zero clicks', async (t) => {
  const srv = await serve(t, await copyFixture('live_midrun'));
  const p = await page(t, srv.url);
  await p.waitForFunction(() => location.hash.includes('/cards/'), null, { timeout: 15000 });
  const h = await hash(p);
  assert(h.startsWith(`#/flows/LiveCardFlow/runs/${LIVE_RUN}/steps/train/tasks/2/cards/`), `landed on ${h}`);
  const pane = await p.waitForSelector('[data-testid="card-pane"][data-kind]:not([data-kind=""])', { timeout: 15000 });
  assertEqual(await pane.getAttribute('data-key'), h.split('/cards/')[1], 'the card pane shows the landed card');
  await p.waitForSelector('[data-testid="card-state"]', { timeout: 10000 });
  assert(!(await p.textContent('[data-testid="card-state"]')).includes('final'), 'the landed card is live, not final');
  await screenshot(p, 'landing-live');
});

test('with only finished runs, the newest run page is on screen', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, srv.url);
  await p.waitForFunction(() => /^#\/flows\/[^/]+\/runs\/[^/]+$/.test(location.hash), null, { timeout: 15000 });
  const [, , run] = (await hash(p)).match(/^#\/flows\/([^/]+)\/runs\/([^/]+)$/);
  // The run list shows the server's order: its first row is the newest run.
  const first = await p.waitForSelector('[data-testid="list-runs"] [role="option"]', { timeout: 10000 });
  assertEqual(await first.getAttribute('data-testid'), `run-${run}`, 'the newest run (the server order)');
  await p.waitForSelector(`[data-testid="run-view"][data-run="${run}"]`, { timeout: 10000 });
});

test('the keys work on first load: j then Enter, no click', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, srv.url);
  await p.waitForFunction(() => /\/runs\//.test(location.hash), null, { timeout: 15000 });
  const focused = await p.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  assertEqual(focused, 'list-flows', 'the flow list has the focus on load');
  assert(await p.$('[data-testid="list-flows"] .option.active'), 'the flow list shows an active row');
  await p.keyboard.press('j');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => /^#\/flows\/[^/]+$/.test(location.hash), null, { timeout: 5000 });
  await p.waitForSelector('[data-testid="run-table"]', { timeout: 5000 });
  // Enter moved the focus to the runs: j/Enter again opens a run.
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => /\/runs\/[^/]+$/.test(location.hash), null, { timeout: 5000 });
  await p.keyboard.press('?');
  await p.waitForSelector('[data-testid="keys-help"]', { timeout: 2000 });
  await p.keyboard.press('Escape');
  await p.waitForSelector('[data-testid="keys-help"]', { state: 'detached', timeout: 2000 });
});

test('follow keeps the step, task and card across a new run', async (t) => {
  const root = await copyFixture('live_midrun');
  const srv = await serve(t, root);
  const p = await page(t, srv.url);
  await p.waitForFunction(() => location.hash.includes('/cards/'), null, { timeout: 15000 });
  const before = await hash(p);
  await p.check('[data-testid="follow-toggle"]');
  // A new run of the same flow, the same steps and tasks (as a rerun writes them).
  const next = String(BigInt(LIVE_RUN) + 1000000n);
  await fsp.cp(path.join(root, 'mf.cards/LiveCardFlow/runs', LIVE_RUN), path.join(root, 'mf.cards/LiveCardFlow/runs', next), { recursive: true });
  await fsp.cp(path.join(root, 'LiveCardFlow', LIVE_RUN), path.join(root, 'LiveCardFlow', next), { recursive: true });
  await p.waitForFunction((n) => location.hash.includes(`/runs/${n}/steps/train/tasks/2/cards/`), next, { timeout: 20000 });
  const after = await hash(p);
  assert(after !== before, 'moved to the new run');
  const key = after.split('/cards/')[1];
  const card = Buffer.from(key, 'base64url').toString();
  const was = Buffer.from(before.split('/cards/')[1], 'base64url').toString();
  const typeId = (name) => name.split('/').pop().replace(/-[0-9a-f]{32}$/, '');
  assert(card.startsWith(`LiveCardFlow/${next}/train/2/`), `the same task in the new run: ${card}`);
  assertEqual(typeId(card), typeId(was), 'the same card (type and id) in the new run');
  await p.waitForSelector(`[data-testid="card-pane"][data-key="${key}"]`, { timeout: 10000 });
});

test('an unknown flow says so, once', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, `${srv.url}#/flows/NoSuchFlow`);
  await p.waitForSelector('[data-testid="msg-unknown-flow"]', { timeout: 10000 });
  const text = await p.textContent('body');
  assert(text.includes('No flow named “NoSuchFlow”'), 'names the flow');
  await p.waitForTimeout(1500);
  const later = await p.textContent('body');
  assert(!later.includes('Loading runs'), 'no "Loading runs…" for an unknown flow');
  assert(!later.includes('Pick a run'), 'no "Pick a run" for an unknown flow');
});

test('an empty datastore says how to create a run', async (t) => {
  const dir = await tmpDir();
  await fsp.mkdir(path.join(dir, '.metaflow'));
  const srv = await serve(t, path.join(dir, '.metaflow'));
  const p = await page(t, srv.url);
  const msg = await p.waitForSelector('[data-testid="msg-empty"]', { timeout: 10000 });
  const text = await msg.textContent();
  assert(text.includes('python flow.py run') && text.includes(dir), `the message: ${text}`);
  const status = await p.textContent('[data-testid="statusbar"]');
  assert(!/\b1 flows\b|\b0 flow\b/.test(status ?? ''), `plurals in the status bar: ${status}`);
  await screenshot(p, 'landing-empty');
});

async function noOverlap(p) {
  return p.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const pick = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.getBoundingClientRect().width > 0);
    const boxes = {
      sidebar: pick('nav.sidebar')[0],
      main: pick('main.main')[0],
      status: pick('[data-testid="statusbar"]')[0],
    };
    const problems = [];
    const r = (e) => e.getBoundingClientRect();
    const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const names = Object.keys(boxes).filter((k) => boxes[k]);
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
      if (hit(r(boxes[names[i]]), r(boxes[names[j]]))) problems.push(`${names[i]} overlaps ${names[j]}`);
    }
    // Every button of the card toolbar and the run header is inside the viewport.
    for (const b of pick('[data-testid="card-pane"] header button, [data-testid="run-header"] button, header button')) {
      const bb = r(b);
      if (bb.right > vw + 0.5 || bb.bottom > vh + 0.5 || bb.left < -0.5) problems.push(`button "${b.textContent.trim()}" off screen`);
    }
    // Toolbar items do not overlap each other.
    const items = pick('[data-testid="card-pane"] header > *');
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      if (hit(r(items[i]), r(items[j]))) problems.push(`toolbar "${items[i].textContent.trim()}" overlaps "${items[j].textContent.trim()}"`);
    }
    // The sidebar's header keeps its items inside the sidebar, and the
    // run filters' tag picker is not cut short.
    const side = boxes.sidebar && r(boxes.sidebar);
    if (side) {
      for (const e of pick('nav.sidebar > header > *')) {
        if (r(e).right > side.right + 0.5) problems.push(`sidebar header item "${e.textContent.trim()}" runs past the sidebar`);
      }
      for (const e of pick('nav.sidebar select')) {
        if (r(e).width < 80 || r(e).right > side.right + 0.5) problems.push(`sidebar picker "${e.value}" is ${Math.round(r(e).width)} px wide`);
      }
    }
    if (document.documentElement.scrollWidth > vw + 1) problems.push(`page overflows: ${document.documentElement.scrollWidth} > ${vw}`);
    return { problems, names };
  });
}

for (const width of [800, 1024, 1440]) {
  test(`layout at ${width} px: nothing overlaps or leaves the screen`, async (t) => {
    const srv = await serve(t, await copyFixture('live_midrun'));
    const p = await page(t, srv.url, { width, height: 760 });
    await p.waitForSelector('[data-testid="card-pane"][data-kind]:not([data-kind=""])', { timeout: 15000 });
    await p.waitForTimeout(500);
    await screenshot(p, `landing-${width}`);
    const { problems, names } = await noOverlap(p);
    assert(names.includes('sidebar') && names.includes('main'), `found ${names}`);
    assert(problems.length === 0, problems.join('; '));
  });
}

test('layout at 800 px on the demo (its badge in the sidebar header): nothing overlaps or leaves the screen', async (t) => {
  const srv = await startDemo();
  t.cleanup(() => srv.stop());
  const p = await page(t, srv.url, { width: 800, height: 700 });
  await p.waitForSelector('[data-testid="card-pane"][data-kind]:not([data-kind=""])', { timeout: 15000 });
  await p.waitForTimeout(500);
  await screenshot(p, 'landing-demo-800');
  const { problems, names } = await noOverlap(p);
  assert(names.includes('sidebar') && names.includes('main'), `found ${names}`);
  assert(problems.length === 0, problems.join('; '));
});

test('layout at 800 px, the flow page: the run table keeps every column inside the pane, and the flow name whole', async (t) => {
  const srv = await serve(t, await copyFixture('foreach'));
  const p = await page(t, srv.url + '#/flows/ForeachFlow', { width: 800, height: 700 });
  await p.getByTestId('row-1795642634789065').waitFor({ timeout: 15000 });
  await screenshot(p, 'flowpage-800');
  const res = await p.evaluate(() => {
    const table = document.querySelector('[data-testid="run-table"]').getBoundingClientRect();
    const cut = [...document.querySelectorAll('[data-testid="run-table"] .th')]
      .filter((e) => e.getBoundingClientRect().right > table.right + 0.5)
      .map((e) => e.textContent.trim());
    const h1 = document.querySelector('[data-testid="run-table"] h1');
    return { cut, nameCut: h1.scrollWidth > h1.clientWidth };
  });
  assertEqual(res.cut, [], 'columns past the pane');
  assertEqual(res.nameCut, false, 'the flow name is cut');
});

test('the side columns collapse with a key, and stay collapsed', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, srv.url, { width: 800, height: 700 });
  await p.waitForSelector('nav.sidebar', { timeout: 10000 });
  await p.keyboard.press('[');
  await p.waitForSelector('nav.sidebar', { state: 'detached', timeout: 2000 });
  await p.reload();
  await p.waitForSelector('[data-testid="side-expand"]', { timeout: 10000 });
  assert(!(await p.$('nav.sidebar')), 'still collapsed after a reload');
  await p.click('[data-testid="side-expand"]');
  await p.waitForSelector('nav.sidebar', { timeout: 2000 });
});
