// Issue 12, point 4: the hostile card's URL opened as a page of its own (as
// "open frame in new tab" does, or a pasted URL) gets a page that says to
// open it in Flowdeck; the card never runs there, so its top.location and
// meta refresh to the canary never happen. In the app's frame it still runs.
import { assert, assertEqual, canary, copyFixture, openPage, sleep, startServe, test } from './harness.mjs';
import { cardKey, cardRoute, shownFrame } from './original-helpers.mjs';

const RUN = '1795642761955764';
const KEY = cardKey('HostileFlow', RUN, 'start', '1', 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783');

for (const remote of [false, true]) {
  test(`card file as a top-level page (${remote ? '--allow-remote' : 'loopback'}): a stub, nothing reaches the canary`, async (t) => {
    const can = await canary();
    t.cleanup(() => can.close());
    const root = await copyFixture('hostile');
    const srv = await startServe(root, remote ? ['--allow-remote', '--insecure-http'] : []);
    t.cleanup(() => srv.stop());
    // With --allow-remote the printed URL is <origin>/#token=…; a deep link
    // follows the token after '&'.
    const route = cardRoute('HostileFlow', RUN, 'start', '1', KEY);
    const page = await openPage(t.browser, remote ? `${srv.url}&${route.slice(1)}` : srv.url + route);
    t.cleanup(() => page.context().close());
    // The card runs in its frame, as before.
    const frame = await shownFrame(page);
    await frame.waitForFunction(() => Array.isArray(window.__hostileResults) && window.__hostileResults.length > 5, null, { timeout: 10000 });
    const src = new URL(frame.url());
    assertEqual(src.pathname, `/card/${KEY}`, 'frame URL');
    // "Open frame in new tab": the frame's own URL (with its capability
    // under --allow-remote) as a top-level page.
    const tab = await page.context().newPage();
    const navs = [];
    tab.on('framenavigated', (f) => { if (f === tab.mainFrame()) navs.push(f.url()); });
    const resp = await tab.goto(src.href);
    assertEqual(resp.status(), 200, 'stub status');
    await tab.getByText('Open this card in Flowdeck').first().waitFor({ timeout: 5000 });
    assertEqual(await tab.evaluate(() => window.__hostileResults), undefined, 'no card script ran in the tab');
    // The card's meta refresh fires after 5 s; wait past it.
    await sleep(6500);
    assertEqual(navs.filter((u) => u !== src.href), [], 'top-level navigations of the tab');
    assertEqual(can.requests, [], 'requests that reached the canary');
    assert(tab.url() === src.href, `tab stayed: ${tab.url()}`);
    // Export is unchanged: the file, as an attachment.
    const dl = await page.evaluate(async (u) => { const r = await fetch(u); return { cd: r.headers.get('content-disposition'), len: (await r.text()).length }; },
      `${src.pathname}${src.search ? src.search + '&' : '?'}download=1`);
    assert(dl.cd?.startsWith('attachment') && dl.len > 1000, `export: ${JSON.stringify(dl)}`);
  }, { timeout: 60000 });
}
