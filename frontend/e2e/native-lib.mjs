// Helpers for the native card view's browser tests and benchmark: card keys,
// decoding and writing template cards the way Metaflow lays them out
// (docs/format.md §9), and a recorder of what the pane shows over time.
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './harness.mjs';

/** The API's card key: base64url of "flow/run/step/task/<file name without .html>". */
export function cardKey(flow, run, step, task, name) {
  return Buffer.from(`${flow}/${run}/${step}/${task}/${name.replace(/\.html$/, '')}`).toString('base64url');
}

/** The deep link (hash) that opens a card. */
export function cardRoute(flow, run, step, task, key) {
  return `#/flows/${flow}/runs/${run}/steps/${step}/tasks/${task}/cards/${key}`;
}

export function cardsDir(root, flow, run, step, task) {
  return path.join(root, 'mf.cards', flow, 'runs', run, 'steps', step, 'tasks', task, 'cards');
}

/** The token and decoded card JSON of a template card's HTML. */
export function decodeCard(html) {
  const token = /var METAFLOW_RELOAD_TOKEN = "([^"]*)"/.exec(html)?.[1] ?? null;
  const m = /window\.__MF_DATA__\["([^"]*)"\] = "([^"]*)"/.exec(html);
  if (!m) throw new Error('no __MF_DATA__');
  return { token, card: JSON.parse(Buffer.from(m[2], 'base64').toString('utf8')) };
}

/**
 * A template card HTML with `card` as its data and `token` as its reload
 * token, made from an existing card HTML (so it has Metaflow's exact layout).
 */
export function templateCard(templateHtml, card, token) {
  const b64 = Buffer.from(JSON.stringify(card)).toString('base64');
  return templateHtml
    .replace(/var METAFLOW_RELOAD_TOKEN = "[^"]*"/, `var METAFLOW_RELOAD_TOKEN = "${token}"`)
    .replace(/(window\.__MF_DATA__\["[^"]*"\] = ")[^"]*(")/, `$1${b64}$2`);
}

/** Every component of a card tree (cells and payloads included), depth first. */
export function components(card) {
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.type === 'string') out.push(v);
      Object.values(v).forEach(walk);
    }
  };
  walk(card.components);
  return out;
}

/** Opens the app on a card by deep link and waits for the native view (unless told not to). */
export async function openCard(browser, srv, { flow, run, step, task, key }, opts = {}) {
  const page = await openPage(browser, srv.url + cardRoute(flow, run, step, task, key), opts);
  if (opts.wait !== false) await page.getByTestId('native-view').waitFor({ timeout: 15000 });
  return page;
}

export function findCardFile(root, loc, prefix) {
  const dir = cardsDir(root, loc.flow, loc.run, loc.step, loc.task);
  const f = fs.readdirSync(dir).find((n) => n.startsWith(prefix) && n.endsWith('.html'));
  if (!f) throw new Error(`no card ${prefix}* in ${dir}`);
  return path.join(dir, f);
}

/** Text of a component by id inside the native view (whitespace collapsed). */
export async function textOf(page, id) {
  const t = await page.locator(`[data-testid="native-view"] [data-id="${id}"]`).first().innerText();
  return t.replace(/\s+/g, ' ').trim();
}

/** Replays `events` (from replayEvents(), possibly reordered) with atomic writes at `speed`. */
export async function replayList(root, events, { speed = 1, onWrite = () => {} } = {}) {
  const { writeAtomic } = await import('./harness.mjs');
  const t0 = Date.now();
  const first = events[0]?.t ?? 0;
  for (const e of events) {
    const due = t0 + ((e.t - first) * 1000) / speed;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await writeAtomic(path.join(root, e.path), fs.readFileSync(e.blobPath));
    await onWrite(e);
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution (same clock in Node and Chromium). */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/**
 * Starts recording, in the page, every state of the live card the user can
 * see: progress text, markdown, value box, chart points, chart embeds and
 * in-place updates, whether the added component is there, and the pane's
 * state. A MutationObserver takes a sample after every DOM change.
 */
export async function startRecorder(page) {
  await page.evaluate(() => {
    const rec = [];
    window.__rec = rec;
    const q = (s) => document.querySelector(s);
    const sample = () => {
      const chart = q('[data-id="loss_chart"] [data-testid="vega-chart"]');
      const s = {
        p: q('[data-id="epoch_progress"] [data-testid="progress-value"]')?.textContent ?? null,
        md: q('[data-id="status_md"]')?.innerText.replace(/\s+/g, ' ').trim() ?? null,
        vb: q('[data-id="loss_box"] [data-testid="valuebox-value"]')?.textContent ?? null,
        pts: chart ? chart.querySelectorAll('.mark-symbol path').length : null,
        emb: chart ? Number(chart.dataset.embeds) : null,
        upd: chart ? Number(chart.dataset.updates) : null,
        half: q('[data-id="halfway_md"]')?.innerText.trim() ?? null,
        state: q('[data-testid="card-pane"]')?.dataset.state ?? null,
      };
      const last = rec[rec.length - 1];
      const same = last && Object.keys(s).every((k) => last[k] === s[k]);
      if (!same) rec.push({ t: performance.timeOrigin + performance.now(), ...s });
    };
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    sample();
  });
}
