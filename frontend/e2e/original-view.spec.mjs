// Issue 6: the original view's frame (sandbox, size), the text card, the
// card actions (export, copy pathspec) and card switching, in serve mode.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, copyFixture, openPage, screenshot, sleep, startServe, test } from './harness.mjs';
import { cardKey, cardRoute, shownFrame, showOriginal, viewState } from './original-helpers.mjs';

const RUN = '1795642761955764';
const CARDS = `mf.cards/HostileFlow/runs/${RUN}/steps/start/tasks/1/cards`;

const cards = {
  // 3,000 px of content.
  tall: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:8px} .b{height:300px;border-bottom:1px solid #ccc}</style></head>
<body>${Array.from({ length: 10 }, (_, i) => `<div class="b">block ${i}</div>`).join('')}</body></html>`,
  // Sizes itself to its own viewport plus 24 px: would grow forever.
  vh: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0} .v{height:calc(100vh + 24px);background:#eef}</style></head>
<body><div class="v">as tall as the frame, and more</div></body></html>`,
  // Far taller than any frame should be.
  huge: `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div style="height:200000px">huge</div><p id="end">end</p></body></html>`,
  // A fragment with no html/head/body at all, shown as is.
  bare: `<b id="bare">bold text</b> and a <i>fragment</i>`,
};
const UUIDS = { tall: 'a'.repeat(32), vh: 'b'.repeat(32), huge: 'c'.repeat(32), bare: 'd'.repeat(32) };
const stem = (name) => `html-${name}-${UUIDS[name]}`;

// Console errors that are not the hostile card's blocked attempts.
const appErrors = (page) => page.errors.filter((e) => !/Content Security Policy|sandboxed|Unsafe attempt to initiate navigation|frame-src/.test(e));

async function serveWithCards(t) {
  const root = await copyFixture('hostile');
  for (const [name, body] of Object.entries(cards)) fs.writeFileSync(path.join(root, CARDS, `${stem(name)}.html`), body);
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  return { root, srv };
}

async function open(t, srv, name) {
  const key = cardKey('HostileFlow', RUN, 'start', '1', stem(name));
  const page = await openPage(t.browser, srv.url + cardRoute('HostileFlow', RUN, 'start', '1', key));
  t.cleanup(() => page.context().close());
  await page.waitForSelector('[data-testid="original-view"]');
  return { page, key };
}

async function waitHeight(page, pred, what) {
  const deadline = Date.now() + 10000;
  let st;
  while (Date.now() < deadline) {
    st = await viewState(page);
    if (st && st.height !== null && pred(st)) return st;
    await sleep(20);
  }
  throw new Error(`${what}: ${JSON.stringify(st)}`);
}

test('the frame grows to its content, is capped, and stops a growth loop', async (t) => {
  const { srv } = await serveWithCards(t);
  {
    const { page } = await open(t, srv, 'tall');
    const st = await waitHeight(page, (s) => s.height >= 3000, 'tall card height');
    const box = await page.evaluate(() => {
      const f = document.querySelector('[data-testid="card-frame"][data-shown="true"]');
      const v = document.querySelector('[data-testid="original-view"]');
      return { frame: f.getBoundingClientRect().height, sandbox: f.getAttribute('sandbox'), scroll: v.scrollHeight, client: v.clientHeight };
    });
    assert(Math.abs(box.frame - st.height) <= 1, `frame is as tall as its content: ${box.frame} vs ${st.height}`);
    assert(st.height >= 3010 && st.height <= 3030, `content height ${st.height}`);
    assert(box.scroll > box.client, `the pane scrolls (${box.scroll} > ${box.client})`);
    assertEqual(box.sandbox, 'allow-scripts', 'sandbox');
    // The frame itself does not scroll: it shows all its content.
    const f = await shownFrame(page);
    const inner = await f.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: innerHeight }));
    assert(inner.sh <= inner.ih + 1, `no scrolling inside the frame: ${JSON.stringify(inner)}`);
    await screenshot(page, 'original-tall');
  }
  {
    const { page } = await open(t, srv, 'vh');
    await sleep(3000);
    const st = await viewState(page);
    assert(st.frozen, `a frame sized to its own viewport stops growing: ${JSON.stringify(st)}`);
    assert(st.height < 30000, `height stays below the cap: ${st.height}`);
    await sleep(1000);
    assertEqual((await viewState(page)).height, st.height, 'height stays put once frozen');
  }
  {
    const { page } = await open(t, srv, 'huge');
    const st = await waitHeight(page, (s) => s.height === 30000, 'huge card capped');
    const f = await shownFrame(page);
    const inner = await f.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: innerHeight }));
    assert(inner.sh > inner.ih, `a capped frame scrolls inside: ${JSON.stringify(inner)}`);
    assertEqual(st.frozen, false, 'not frozen');
  }
}, { timeout: 60000 });

test('html fragments show as is; text cards as preformatted text without a frame', async (t) => {
  const { srv } = await serveWithCards(t);
  const { page } = await open(t, srv, 'bare');
  const f = await shownFrame(page);
  await f.waitForSelector('#bare');
  assertEqual(await f.evaluate(() => document.getElementById('bare').textContent), 'bold text', 'fragment content');
  assertEqual(await f.evaluate(() => document.compatMode), 'BackCompat', 'a fragment without doctype keeps quirks mode');
  // The hostile card keeps its doctype (standards mode) with the bridge in.
  const hostile = cardKey('HostileFlow', RUN, 'start', '1', 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783');
  await page.goto(srv.url + cardRoute('HostileFlow', RUN, 'start', '1', hostile));
  const hf = await shownFrame(page);
  await hf.waitForSelector('h1');
  assertEqual(await hf.evaluate(() => document.compatMode), 'CSS1Compat', 'standards mode kept');

  // A text card (taskspec_card) in the default fixture.
  const root = await copyFixture('default');
  const dsrv = await startServe(root);
  t.cleanup(() => dsrv.stop());
  const run = '1795642620378112';
  const key = cardKey('DefaultCardFlow', run, 'end', '5', 'taskspec_card-f307758a66ce48c281b4889fe5def868');
  await page.goto(dsrv.url + cardRoute('DefaultCardFlow', run, 'end', '5', key));
  const pane = page.getByTestId('card-pane');
  await page.waitForFunction(() => document.querySelector('[data-testid="card-pane"]')?.getAttribute('data-kind') === 'text');
  assertEqual((await pane.locator('pre.text').textContent()).trim(), `DefaultCardFlow/${run}/end/5`, 'text card content');
  assertEqual(await page.locator('[data-testid="card-frame"]').count(), 0, 'no frame for a text card');
  assertEqual(appErrors(page), [], 'page errors');
}, { timeout: 60000 });

test('card actions: export downloads the file as written; copy pathspec', async (t) => {
  const { root, srv } = await serveWithCards(t);
  const key = cardKey('HostileFlow', RUN, 'start', '1', 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783');
  const page = await openPage(t.browser, srv.url + cardRoute('HostileFlow', RUN, 'start', '1', key));
  t.cleanup(() => page.context().close());
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.origin });
  await page.getByTestId('card-actions').waitFor();
  assertEqual(await page.getByTestId('card-reveal').count(), 0, 'no "open folder" in a browser');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('card-export').click()]);
  const file = await dl.path();
  const want = fs.readFileSync(path.join(root, CARDS, 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783.html'));
  assert(fs.readFileSync(file).equals(want), 'the download is the card file byte for byte (no bridge)');
  assertEqual(dl.suggestedFilename(), `HostileFlow-${RUN}-start-1-html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783.html`, 'file name');
  await page.getByTestId('card-copy-pathspec').click();
  await page.getByTestId('card-action-note').waitFor();
  assertEqual(await page.evaluate(() => navigator.clipboard.readText()), `HostileFlow/${RUN}/start/1`, 'clipboard');
  assertEqual(appErrors(page), [], 'page errors');
}, { timeout: 60000 });

test('switching cards starts a fresh frame; the template card original view', async (t) => {
  const root = await copyFixture('components');
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const run = '1795642631175149';
  const page = await openPage(t.browser, srv.url + `#/flows/ComponentsFlow/runs/${run}/steps/start/tasks/1`);
  t.cleanup(() => page.context().close());
  const items = page.locator('[data-testid^="card-"][data-type]');
  await items.first().waitFor();
  const srcs = [];
  for (let i = 0; i < await items.count(); i++) {
    await items.nth(i).click();
    const key = (await items.nth(i).getAttribute('data-testid')).slice('card-'.length);
    await showOriginal(page, key);
    const f = await shownFrame(page);
    await f.waitForLoadState('load');
    const st = await viewState(page);
    assertEqual(st.frames.length, 1, `one frame for card ${i}`);
    assertEqual(st.loads, 1, `a fresh frame for card ${i}`);
    srcs.push(st.frames[0].src);
    // Template cards carry the final token.
    await page.waitForFunction(() => document.querySelector('[data-testid="original-view"]')?.dataset.token === 'final');
  }
  assertEqual(new Set(srcs).size, srcs.length, 'each card in its own frame');
  assertEqual(page.errors, [], 'page errors');
}, { timeout: 60000 });
