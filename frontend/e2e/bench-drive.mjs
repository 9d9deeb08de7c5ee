// A headless Chromium page driven by internal/benchrun (make bench): it
// keeps the UI open while the Go side measures the serve process (idle
// CPU, CPU under a live run) and drives the soak test. Commands arrive as
// JSON lines on stdin; answers go to stdout as "@@ {json}" lines.
//
//   {"cmd":"open","url":U,"hash":H,"wait":SEL}   load the page, wait for SEL
//   {"cmd":"goto","hash":H,"wait":SEL}            navigate in the page
//   {"cmd":"wait","selector":SEL,"timeout":MS}    wait for SEL, say how long it took
//   {"cmd":"follow"}                              tick "follow newest run" of the open flow
//   {"cmd":"mark"} / {"cmd":"requests"}           the page's requests since the mark
//   {"cmd":"browse","cards":[{"hash","key"}],"dwell_ms":N}
//        open each card in turn (deep link) and stay N ms, round after
//        round, counting the live updates the pane applies, until
//   {"cmd":"stop-browse"}
//   {"cmd":"verify","tasks":[{"hash","task","keys"}],"panes":[{"hash","key","progress"}]}
//        every task's card list shows each card as final; each pane shows
//        its card final with the expected progress value
//   {"cmd":"quit"}
import readline from 'node:readline';
import { launch, sleep } from './harness.mjs';

const say = (m) => process.stdout.write(`@@ ${JSON.stringify(m)}\n`);
const now = () => performance.timeOrigin + performance.now();

const browser = await launch();
let ctx = null;
let page = null;
let requests = [];
const errors = [];
let eventStreams = 0;
let browsing = null;

async function open({ url, hash = '', wait, viewport = { width: 1440, height: 1000 } }) {
  if (ctx) await ctx.close();
  ctx = await browser.newContext({ viewport });
  page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => {
    const u = r.url().replace(/^https?:\/\/[^/]+/, '');
    if (u.startsWith('/api/events')) eventStreams++;
    requests.push([Math.round(now()), r.method(), u]);
  });
  await page.goto(url + hash);
  if (wait) await page.waitForSelector(wait, { timeout: 60000 });
}

async function goto({ hash, wait, timeout = 30000 }) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  if (wait) await page.waitForSelector(wait, { timeout });
}

// One card pane open for dwellMs: count the distinct data versions it
// applies (data-data-created changes) while it is open.
async function dwell(card, dwellMs) {
  const sel = `[data-testid="card-pane"][data-key="${card.key}"]`;
  await goto({ hash: card.hash, wait: `${sel}[data-kind]`, timeout: 20000 });
  const t0 = now();
  const seen = await page.evaluate(async ([s, ms]) => {
    const vals = new Set();
    const el = document.querySelector(s);
    const read = () => { const v = document.querySelector(s)?.getAttribute('data-data-created'); if (v) vals.add(v); };
    read();
    const mo = new MutationObserver(read);
    if (el) mo.observe(el, { attributes: true, attributeFilter: ['data-data-created'] });
    await new Promise((r) => setTimeout(r, ms));
    mo.disconnect();
    const pane = document.querySelector(s);
    return { versions: vals.size, state: pane?.getAttribute('data-state'), view: pane?.getAttribute('data-view') };
  }, [sel, dwellMs]);
  return { key: card.key, ms: Math.round(now() - t0), ...seen };
}

function startBrowse({ cards, dwell_ms = 30000 }) {
  const state = { stop: false, visits: [], rounds: 0 };
  state.done = (async () => {
    while (!state.stop) {
      for (const c of cards) {
        if (state.stop) break;
        try {
          state.visits.push(await dwell(c, dwell_ms));
        } catch (e) {
          state.visits.push({ key: c.key, error: String(e).slice(0, 300) });
        }
      }
      state.rounds++;
    }
  })();
  return state;
}

async function verify({ tasks = [], panes = [] }) {
  const out = { tasks: 0, cards: 0, final: 0, not_final: [], panes: [], ms: 0 };
  const t0 = now();
  for (const t of tasks) {
    out.tasks++;
    out.cards += t.keys.length;
    try {
      await goto({ hash: t.hash, wait: `[data-testid="task-view"][data-task="${t.task}"]`, timeout: 20000 });
      await page.waitForFunction((keys) => keys.every((k) => document.querySelector(`[data-testid="list-cards"] [data-testid="card-${k}"] .state.final`)),
        t.keys, { timeout: 15000, polling: 50 });
      out.final += t.keys.length;
    } catch (e) {
      const shown = await page.evaluate((keys) => keys.map((k) => [k, document.querySelector(`[data-testid="list-cards"] [data-testid="card-${k}"] .state`)?.textContent ?? null]), t.keys).catch(() => []);
      const bad = shown.filter(([, s]) => s !== 'final');
      out.final += t.keys.length - bad.length;
      out.not_final.push({ hash: t.hash, shown: bad });
    }
  }
  for (const p of panes) {
    const sel = `[data-testid="card-pane"][data-key="${p.key}"]`;
    const r = { key: p.key };
    try {
      await goto({ hash: p.hash, wait: `${sel}[data-final="true"][data-state="final"]`, timeout: 20000 });
      if (p.progress) {
        await page.waitForFunction(([s, want]) => document.querySelector(`${s} [data-testid="progress-value"]`)?.textContent === want, [sel, p.progress], { timeout: 10000 });
      }
      r.ok = true;
    } catch (e) {
      r.ok = false;
      r.error = String(e).slice(0, 300);
    }
    r.shown = await page.evaluate((s) => {
      const el = document.querySelector(s);
      return el && { state: el.getAttribute('data-state'), final: el.getAttribute('data-final'), view: el.getAttribute('data-view'),
        progress: el.querySelector('[data-testid="progress-value"]')?.textContent ?? null };
    }, sel);
    out.panes.push(r);
  }
  out.ms = Math.round(now() - t0);
  return out;
}

const handlers = {
  async open(c) { const t0 = now(); await open(c); return { type: 'opened', ms: Math.round(now() - t0) }; },
  async goto(c) { const t0 = now(); await goto(c); return { type: 'at', ms: Math.round(now() - t0) }; },
  async wait(c) {
    const t0 = now();
    await page.waitForSelector(c.selector, { timeout: c.timeout ?? 30000 });
    return { type: 'found', ms: Math.round(now() - t0) };
  },
  async follow() {
    const box = page.getByTestId('follow-toggle');
    await box.waitFor({ timeout: 30000 });
    if (!(await box.isChecked())) await box.check();
    return { type: 'following', checked: await box.isChecked() };
  },
  async mark() { requests = []; return { type: 'marked' }; },
  async requests() { return { type: 'requests', list: requests, event_streams: eventStreams }; },
  async browse(c) { browsing = startBrowse(c); return { type: 'browsing' }; },
  async 'stop-browse'() {
    if (!browsing) return { type: 'browse', visits: [], rounds: 0 };
    browsing.stop = true;
    await browsing.done;
    const b = browsing;
    browsing = null;
    return { type: 'browse', visits: b.visits, rounds: b.rounds };
  },
  async verify(c) { return { type: 'verify', ...(await verify(c)) }; },
  async errors() { return { type: 'errors', list: errors, event_streams: eventStreams }; },
};

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
let quitting = false;
async function quit() {
  if (quitting) return;
  quitting = true;
  if (browsing) { browsing.stop = true; await browsing.done.catch(() => {}); }
  await browser.close().catch(() => {});
  process.exit(0);
}
rl.on('line', (line) => {
  let c;
  try { c = JSON.parse(line); } catch { return; }
  queue = queue.then(async () => {
    if (c.cmd === 'quit') return quit();
    const h = handlers[c.cmd];
    if (!h) return say({ type: 'error', error: `unknown command ${c.cmd}` });
    try {
      say(await h(c));
    } catch (e) {
      say({ type: 'error', cmd: c.cmd, error: String(e && e.stack || e).slice(0, 2000) });
    }
  });
});
rl.on('close', () => { queue.then(quit); });
say({ type: 'started', chromium: browser.version() });
await sleep(1);
