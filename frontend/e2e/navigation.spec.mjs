// Issue 14, navigation (second part): the header's folder menu in serve
// mode, one message for a link to an unknown run or card, and `flowdeck
// demo` landing on its live card. Real `flowdeck serve` / `flowdeck demo
// --serve` on copies of the fixtures.
import { assert, assertEqual, copyFixture, pageFor as page, routeHash as hash, screenshot, serveFor as serve, startDemo, test } from './harness.mjs';

const LIVE_RUN = '1795642679591111';

const focused = (p) => p.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);

test('the header menu offers what serve mode can open, from the keyboard', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, srv.url);
  await p.waitForFunction(() => /\/runs\//.test(location.hash), null, { timeout: 15000 });
  const before = await hash(p);
  // Ctrl+O: no folder dialog in a browser, so the menu opens, focused.
  await p.keyboard.press('Control+o');
  const items = await p.waitForSelector('[data-testid="folder-menu-items"]', { timeout: 5000 });
  await p.waitForFunction(() => document.activeElement?.closest('[data-testid="folder-menu-items"]'), null, { timeout: 3000 });
  assertEqual(await p.$('[data-testid="menu-open-folder"]'), null, 'no "Open folder…" without a folder dialog');
  assertEqual(await p.$('[data-testid="menu-open-path"]'), null, 'no path field: serve opens no other folder');
  assertEqual(await p.$('[data-testid="menu-recent"]'), null, 'no recent folders in serve mode');
  assert(await p.$('[data-testid="menu-demo"]'), 'the demo is offered (it works in serve mode)');
  const note = await items.textContent();
  assert(note.includes('desktop window') && note.includes(srv.root), `the menu says why: ${note}`);
  await screenshot(p, 'navigation-menu-serve');
  // Esc closes the menu (and only the menu: the route stays), focus back on its button.
  await p.keyboard.press('Escape');
  await p.waitForSelector('[data-testid="folder-menu-items"]', { state: 'detached', timeout: 2000 });
  assertEqual(await hash(p), before, 'Esc in the menu did not go up a level');
  assertEqual(await focused(p), 'folder-menu', 'the focus is back on the menu button');
  // Enter on the focused button opens it again; a click outside closes it.
  await p.keyboard.press('Enter');
  await p.waitForSelector('[data-testid="folder-menu-items"]', { timeout: 3000 });
  await p.mouse.click(900, 500);
  await p.waitForSelector('[data-testid="folder-menu-items"]', { state: 'detached', timeout: 2000 });
  assertEqual(p.errors, [], 'page errors');
});

test('a link to an unknown run says so, once, with no endless loading', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const p = await page(t, `${srv.url}#/flows/RetryFlow/runs/999`);
  const msg = await p.waitForSelector('[data-testid="msg-unknown-run"]', { timeout: 10000 });
  assert((await msg.textContent()).includes('No run 999 in RetryFlow'), 'names the run and the flow');
  await p.waitForTimeout(1500);
  const text = await p.textContent('main');
  assert(!/Loading|Could not load|Pick a/.test(text), `one message only: ${text}`);
  assertEqual(await p.$$eval("main button", (bs) => bs.map((b) => b.textContent.trim())), [], "no retry or other buttons");
  await screenshot(p, 'navigation-unknown-run');
  await p.click('[data-testid="msg-unknown-run"] a');
  await p.waitForFunction(() => location.hash === '#/flows/RetryFlow', null, { timeout: 5000 });
  await p.waitForSelector('[data-testid="run-table"]', { timeout: 5000 });
});

test('a link to an unknown card says so, once, under its task', async (t) => {
  const srv = await serve(t, await copyFixture('live_midrun'));
  const bad = Buffer.from(`LiveCardFlow/${LIVE_RUN}/train/2/blank-nosuch-0123`).toString('base64url');
  const p = await page(t, `${srv.url}#/flows/LiveCardFlow/runs/${LIVE_RUN}/steps/train/tasks/2/cards/${bad}`);
  const msg = await p.waitForSelector('[data-testid="msg-unknown-card"]', { timeout: 10000 });
  assert((await msg.textContent()).includes('This task has no such card'), 'says the card is unknown');
  // The task's real cards are listed to pick from.
  await p.waitForSelector('[data-testid^="card-"][data-type]', { timeout: 10000 });
  await p.waitForTimeout(1500);
  const text = await p.textContent('main');
  assert(!/Loading card|is gone|Pick a card/.test(text), `one message only: ${text}`);
  assertEqual(await hash(p), `#/flows/LiveCardFlow/runs/${LIVE_RUN}/steps/train/tasks/2/cards/${bad}`, 'the link stays');
  await screenshot(p, 'navigation-unknown-card');
});

test('flowdeck demo lands on the live card of its running run, native only', async (t) => {
  const srv = await startDemo();
  t.cleanup(() => srv.stop());
  const p = await page(t, srv.url);
  await p.waitForFunction(() => location.hash.includes('/cards/'), null, { timeout: 15000 });
  const h = await hash(p);
  const m = h.match(/^#\/flows\/DemoFlow\/runs\/(\d+)\/steps\/train\/tasks\/\d+\/cards\/(.+)$/);
  assert(m, `landed on ${h}`);
  const card = Buffer.from(m[2], 'base64url').toString();
  assert(card.split('/').pop().startsWith('blank-live-'), `the live blank card, not ${card}`);
  const pane = await p.waitForSelector(`[data-testid="card-pane"][data-key="${m[2]}"][data-kind="template"]`, { timeout: 15000 });
  await p.waitForSelector('[data-testid="card-state"]', { timeout: 10000 });
  assertEqual(await pane.getAttribute('data-state'), 'live', 'the landed card is live');
  await p.waitForSelector('[data-testid="native-view"]', { timeout: 10000 });
  // The demo's card HTML is the simulator's stand-in: no Original toggle.
  assertEqual(await p.$('[data-testid="view-original"]'), null, 'no Original for the demo stand-in HTML');
  assertEqual(await pane.getAttribute('data-view'), 'native', 'native view');
  await screenshot(p, 'navigation-demo-landing');
  // Even with the Original view chosen before, the demo shows its native view.
  await p.evaluate(() => localStorage.setItem('flowdeck.cardView', 'original'));
  await p.reload();
  await p.waitForSelector(`[data-testid="card-pane"][data-key="${m[2]}"][data-view="native"]`, { timeout: 15000 });
  assertEqual(await p.$('[data-testid="card-frame"]'), null, 'no frame');
  assertEqual(p.errors, [], 'page errors');
}, { timeout: 60000 });
