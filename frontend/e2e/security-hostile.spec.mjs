// Issue 6, security proof in serve mode: the hostile card in the original
// view, in headless Chromium. Every escape it tries fails, the canary gets
// nothing, the app's API is not reached from the card, the top page stays,
// no popup opens.
import { assert, assertEqual, canary, copyFixture, openPage, screenshot, sleep, startServe, test } from './harness.mjs';
import { cardKey, cardRoute, readTestLog, shownFrame, testLogFile, viewState } from './original-helpers.mjs';

const RUN = '1795642761955764';
const KEY = cardKey('HostileFlow', RUN, 'start', '1', 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783');

// What "failed" means for each attempt the card records. Most must throw
// ("blocked: …"). A few APIs fail without throwing; for those the outcome
// must be the failure value, and the checks after the card ran (canary,
// server log, top URL, popups) prove nothing happened.
const EXPECT = {
  'wails-binding-call': /^no exception \(no channel\)$/,
  'wails-browser-open-url': /^no exception \(no channel\)$/,
  'wails-event-emit': /^no exception \(no channel\)$/,
  'wails-window-control': /^no exception \(no channel\)$/,
  'window.go': /^no exception \(undefined\)$/,
  'parent.go': /^blocked: /,
  'parent.document': /^blocked: /,
  'top.location': /^blocked: /,
  'window.open': /^no exception \(null\)$/,
  localStorage: /^blocked: /,
  'document.cookie': /^blocked: /,
  'form.submit': /^(blocked: |no exception \(submitted\)$)/, // sandbox without allow-forms: silently not sent
  // Chromium queues the beacon (true) and CSP drops the request: the
  // canary check below proves it never left.
  sendBeacon: /^(blocked: |no exception \((true|false)\)$)/,
  websocket: /^(blocked: |no exception \((0|3)\)$)/, // CSP: the connection never opens
  'fetch-app-root': /^blocked: /,
  'fetch-app-api': /^blocked: /,
  'fetch-app-card-path': /^blocked: /,
  'fetch-canary': /^blocked: /,
  'fetch-file': /^blocked: /,
  'dynamic-import': /^no exception \(started\)$/,
  'dynamic-import-loaded': /^blocked: /,
  'postMessage-parent': /^no exception \(posted\)$/, // the parent drops it: checked below
};

test('hostile card, serve mode: every escape fails', async (t) => {
  const can = await canary();
  t.cleanup(() => can.close());
  const root = await copyFixture('hostile');
  const log = await testLogFile();
  const srv = await startServe(root, [], { FLOWDECK_TEST_LOG: log });
  t.cleanup(() => srv.stop());
  const start = srv.url + cardRoute('HostileFlow', RUN, 'start', '1', KEY);
  const page = await openPage(t.browser, start);
  t.cleanup(() => page.context().close());
  const popups = [];
  page.context().on('page', (p) => popups.push(p.url()));
  const topNavs = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) topNavs.push(f.url()); });

  await page.waitForSelector('[data-testid="original-view"]');
  const st0 = await viewState(page);
  assertEqual(st0.policy, 'run', 'serve mode runs card scripts without asking');
  for (const f of st0.frames) assertEqual(f.sandbox, 'allow-scripts', `frame ${f.gen} sandbox`);

  const frame = await shownFrame(page);
  const want = Object.keys(EXPECT);
  await frame.waitForFunction((names) => {
    const r = window.__hostileResults;
    return Array.isArray(r) && names.every((n) => r.some((x) => x.name === n));
  }, want, { timeout: 10000 });
  const results = await frame.evaluate(() => window.__hostileResults.map((r) => ({ ...r })));
  const frameUrl = frame.url();
  await screenshot(page, 'security-hostile-serve');
  const failures = [];
  for (const r of results) {
    if (r.name === 'update-received') continue;
    const re = EXPECT[r.name];
    if (!re) failures.push(`unexpected attempt ${r.name}: ${r.outcome}`);
    else if (!re.test(r.outcome)) failures.push(`${r.name}: ${r.outcome}`);
  }
  assertEqual(failures, [], 'attempts that did not fail as expected');
  assert(new URL(frameUrl).pathname === `/card/${KEY}`, `frame is the card: ${frameUrl}`);

  // The card's meta refresh fires after 5 s; give it time, then check again.
  await sleep(6500);
  assertEqual(can.requests, [], 'requests that reached the canary');
  assertEqual(popups, [], 'popups');
  assertEqual(page.url(), start, 'top page URL');
  assertEqual(topNavs.filter((u) => u !== start), [], 'top navigations');
  const st = await viewState(page);
  assert(st.rejected >= 1, `the parent dropped the card's own postMessage (rejected=${st.rejected})`);
  assertEqual(st.reloads, 0, 'reloads asked by the card');
  // Where the frame is now: still the card, or (meta refresh blocked by
  // the app page's frame-src) an error page; never the canary.
  const now = (await page.waitForSelector('[data-testid="card-frame"][data-shown="true"]')).contentFrame();
  const nowUrl = (await now)?.url() ?? '';
  assert(!nowUrl.includes('47291'), `frame did not reach the canary: ${nowUrl}`);
  if (nowUrl.startsWith('chrome-error:')) {
    // The meta refresh was refused by the app page's frame-src 'self'.
    assert(page.errors.some((e) => e.includes('frame-src') && e.includes('47291')), `frame-src refusal logged: ${page.errors}`);
    await page.getByTestId('navigated-away').waitFor({ timeout: 3000 });
  }

  // The server saw only the app's own requests: none from the card (a
  // sandboxed frame's fetch says Origin: null), no /api/ without the secret.
  const reqs = readTestLog(log).filter((r) => r.kind === 'http');
  const bad = reqs.filter((r) => (r.origin && r.origin.includes('null')) || (r.path.startsWith('/api/') && !r.auth) ||
    (r.path.startsWith('/card/') && r.path !== `/card/${KEY}`) || r.path.includes('..') || r.path === '/etc/passwd');
  assertEqual(bad, [], 'requests from the card that reached the server');
  const cardLoads = reqs.filter((r) => r.path === `/card/${KEY}`);
  assert(cardLoads.length >= 1 && cardLoads.every((r) => r.dest === 'iframe'), `card loaded as a frame: ${JSON.stringify(cardLoads)}`);
  console.log(`     attempts: ${results.map((r) => `${r.name}=${r.outcome}`).join('; ')}`);
  console.log(`     frame after 6.5 s: ${nowUrl}; server requests: ${reqs.length}; blocked by the browser: ${page.errors.length}`);
}, { timeout: 60000 });
