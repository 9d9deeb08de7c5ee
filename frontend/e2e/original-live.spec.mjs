// Issue 6, live: the original view updates as Metaflow writes, pushed on
// the SSE events, by docs/format.md §12. A card with a matching token is
// updated in place (no reload); a new token reloads the frame and the data
// arrives at once; final data on a runtime page is applied in place; a
// final page stops updating; and at no moment does an older value replace
// a newer one on screen (a sampler reads the frame on screen all along).
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, copyFixture, midrunCut, openPage, replay, screenshot, sleep, startServe, test, writeAtomic } from './harness.mjs';
import { cardKey, cardRoute, viewState } from './original-helpers.mjs';

const FLOW = 'LiveCardFlow';
const RUN = '1795642679591111';
const TASK_DIR = `mf.cards/${FLOW}/runs/${RUN}/steps/train/tasks/2`;

/** Reads `read` in the frame on screen, or null while there is none. */
async function inShown(page, read) {
  try {
    const el = await page.$('[data-testid="card-frame"][data-shown="true"]');
    const f = el && (await el.contentFrame());
    return f ? await f.evaluate(read) : null;
  } catch {
    return null; // the frame was swapped while we read it
  }
}

/** Samples a number off the frame on screen until stopped. */
function sampler(page, read) {
  const seen = [];
  let on = true;
  let gen = null;
  let frame = null;
  const done = (async () => {
    while (on) {
      try {
        const g = await page.evaluate(() => document.querySelector('[data-testid="card-frame"][data-shown="true"]')?.dataset.gen ?? null);
        if (g !== gen) {
          gen = g;
          const el = g === null ? null : await page.$(`[data-testid="card-frame"][data-gen="${g}"]`);
          frame = el && (await el.contentFrame());
        }
        const v = frame ? await frame.evaluate(read) : null;
        if (v !== null && v !== undefined && !Number.isNaN(v)) seen.push(v);
      } catch {
        gen = null; // swapped while reading
      }
      await sleep(5);
    }
  })();
  return { seen, stop: async () => { on = false; await done; } };
}

function assertNeverBack(seen, what) {
  for (let i = 1; i < seen.length; i++) {
    if (seen[i] < seen[i - 1]) throw new Error(`${what}: ${seen[i - 1]} was replaced by the older ${seen[i]} (sample ${i} of ${seen.length})`);
  }
}

/** Polls the original view's state until pred(state) holds. */
async function waitView(page, pred, _arg, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let st = null;
  while (Date.now() < deadline) {
    st = await viewState(page);
    if (st && pred(st)) return st;
    await sleep(15);
  }
  throw new Error(`${what}: timed out; view ${JSON.stringify(st)}`);
}

test('live replay: corpus_always updates in place, reloads on the final HTML, never goes back', async (t) => {
  const root = await copyFixture('live_midrun');
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const key = cardKey(FLOW, RUN, 'train', '2', 'corpus_always-custom-b2142f64982849418bf6be3b5c058beb');
  const page = await openPage(t.browser, srv.url + cardRoute(FLOW, RUN, 'train', '2', key));
  t.cleanup(() => page.context().close());
  await page.waitForSelector('[data-testid="original-view"]');
  const epoch = () => {
    const m = /"epoch":\s*(\d+)/.exec(document.getElementById('payload')?.textContent ?? '');
    return m ? Number(m[1]) : null;
  };
  // On open, the newest data is applied at once on top of the page's own.
  await waitView(page, (d) => d.token === 'render-seq-1' && d.applied >= 1, null, 'first data applied');
  assertEqual(await inShown(page, epoch), 20, 'epoch on open (the newest data, not the HTML\'s 0)');
  const s = sampler(page, epoch);
  await replay(root, { speed: 2, from: midrunCut(root) });
  await waitView(page, (d) => d.token === 'final' && d.outcome === 'applied', null, 'final data applied on the final page', 15000);
  await sleep(300);
  assertEqual(await inShown(page, epoch), 39, 'final epoch');
  let st = await viewState(page);
  assertEqual(st.loads, 2, 'frame loads (the first, then the final HTML)');
  assertEqual(st.reloads, 0, 'reloads asked by token mismatch');
  assert(st.applied >= 6, `data applied in place (${st.applied})`);

  // The card is final now: older runtime data no longer changes it.
  const dataFile = path.join(root, TASK_DIR, 'runtime', 'corpus_always-custom-b2142f64982849418bf6be3b5c058beb.data.json');
  await writeAtomic(dataFile, JSON.stringify({ reload_token: 'render-seq-1', data: { user: { epoch: 3, loss: 9 }, components: {} }, created_on: Date.now() / 1000 }));
  await waitView(page, (d) => d.outcome === 'ignored', null, 'stray data ignored by the final page');
  await sleep(500);
  await s.stop();
  st = await viewState(page);
  assertEqual(st.loads, 2, 'no reload for the stray data');
  assertEqual(await inShown(page, epoch), 39, 'epoch after the stray data');
  assert(s.seen.length > 50, `samples taken (${s.seen.length})`);
  assertNeverBack(s.seen, 'corpus_always epoch');
  assertEqual(page.errors, [], 'page errors');
  await screenshot(page, 'original-live-corpus-final');
}, { timeout: 90000 });

// A custom card that renders a new token per render, as corpus_always
// does (render-seq-N), written step by step.
const UUID = '5e9a0c1d2b3f4a5b6c7d8e9f0a1b2c3d';
const STEM = `corpus_always-seq-${UUID}`;
function seqCard(token, v, { final = false } = {}) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>seq card</title>
<style>body{font:16px sans-serif} .row{height:40px}</style></head>
<body>
<script>
var METAFLOW_RELOAD_TOKEN = "${token}";
window.metaflow_card_update = function (data) {
  document.getElementById("v").textContent = String(data.v);
  return true;
};
</script>
<h1>Token ${token}</h1>
<p>value <span id="v">${v}</span></p>
${Array.from({ length: 30 }, (_, i) => `<div class="row">row ${i}</div>`).join('\n')}
${final ? '<script>window.metaflow_card_update = undefined;</script>' : '<script>// This Card was Designed to be Realtime Updatable</script>'}
</body></html>`;
}

test('a token per render: each new token reloads, the data arrives, final stops updates, never goes back', async (t) => {
  const root = await copyFixture('live_midrun');
  const html = path.join(root, TASK_DIR, 'cards', `${STEM}.html`);
  const data = path.join(root, TASK_DIR, 'runtime', `${STEM}.data.json`);
  fs.writeFileSync(html, seqCard('render-seq-1', 1));
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const key = cardKey(FLOW, RUN, 'train', '2', STEM);
  const page = await openPage(t.browser, srv.url + cardRoute(FLOW, RUN, 'train', '2', key));
  t.cleanup(() => page.context().close());
  const value = () => Number(document.getElementById('v')?.textContent);
  const writeData = (token, v) => writeAtomic(data, JSON.stringify({ reload_token: token, data: { v }, created_on: Date.now() / 1000 }));
  const shows = async (v, what) => {
    const deadline = Date.now() + 10000;
    let got;
    while (Date.now() < deadline) {
      got = await inShown(page, value);
      if (got === v) return;
      await sleep(20);
    }
    throw new Error(`${what}: the frame on screen shows ${got}, want ${v}; view ${JSON.stringify(await viewState(page))}`);
  };

  await waitView(page, (d) => d.token === 'render-seq-1', null, 'first render');
  await shows(1, 'first render');
  const s = sampler(page, value);
  let st = await viewState(page);
  assertEqual(st.loads, 1, 'loads after open');

  // Matching token: in place, no reload.
  await writeData('render-seq-1', 2);
  await shows(2, 'data 2 (same token)');
  await writeData('render-seq-1', 3);
  await shows(3, 'data 3 (same token)');
  st = await viewState(page);
  assertEqual(st.loads, 1, 'no reload for data of the same token');
  assertEqual(st.applied, 2, 'applied in place');

  // A new render: the frame reloads and gets the newest data at once.
  fs.writeFileSync(html + '.tmp', seqCard('render-seq-2', 4));
  fs.renameSync(html + '.tmp', html);
  await waitView(page, (d) => d.token === 'render-seq-2', null, 'render 2 shown');
  await shows(4, 'render 2');
  await writeData('render-seq-2', 5);
  await shows(5, 'data 5 (render 2)');
  st = await viewState(page);
  assertEqual(st.loads, 2, 'one load per new HTML');

  // Data for a render not on disk yet: no useless reload, nothing older shown.
  await writeData('render-seq-3', 6);
  await waitView(page, (d) => d.outcome === 'reload', null, 'the bridge asks for a reload');
  await sleep(800);
  st = await viewState(page);
  assertEqual([st.loads, st.token], [2, 'render-seq-2'], 'the page kept (its HTML is the newest on disk)');
  await shows(5, 'value kept while the new HTML is missing');
  fs.writeFileSync(html + '.tmp', seqCard('render-seq-3', 6));
  fs.renameSync(html + '.tmp', html);
  await waitView(page, (d) => d.token === 'render-seq-3', null, 'render 3 shown');
  await shows(6, 'render 3 with its data');

  // docs/format.md §12: the final data lands before the final HTML: applied in
  // place on the runtime page, no reload back to older values.
  const loadsBefore = (await viewState(page)).loads;
  await writeData('final', 7);
  await shows(7, 'final data on the runtime page');
  st = await viewState(page);
  assertEqual(st.loads, loadsBefore, 'no reload for final data on a runtime page');
  assertEqual(st.token, 'render-seq-3', 'still the runtime page');

  // The final HTML (update hook removed, like Metaflow's final render).
  fs.writeFileSync(html + '.tmp', seqCard('final', 7, { final: true }));
  fs.renameSync(html + '.tmp', html);
  await waitView(page, (d) => d.token === 'final', null, 'final page shown');
  await shows(7, 'final page');
  const loadsFinal = (await viewState(page)).loads;
  assertEqual(loadsFinal, loadsBefore + 1, 'one load for the final HTML');

  // A final page stops updating.
  await writeData('render-seq-3', 2);
  await waitView(page, (d) => d.outcome === 'ignored', null, 'old runtime data ignored');
  await writeData('final', 99);
  await waitView(page, (d) => d.outcome === 'static', null, 'final data on a final page without its hook');
  await sleep(500);
  await s.stop();
  await shows(7, 'final page after later writes');
  st = await viewState(page);
  assertEqual(st.loads, loadsFinal, 'no reload after final');
  assertNeverBack(s.seen, 'value on screen');
  assert(s.seen.length > 50, `samples taken (${s.seen.length})`);
  assertEqual(page.errors, [], 'page errors');
}, { timeout: 90000 });
