// Cold open benchmark (docs/design.md: a 1,000-run / 100,000-task datastore, run
// list on screen <= 300 ms). Each round starts a new `flowdeck serve` on
// the datastore and a new browser context (empty cache), loads the page
// deep-linked to one flow (`#/flows/<flow>`: the run list is on screen only
// once a flow is picked) and records, on the system clock:
//   spawn   the moment `flowdeck serve` is spawned (process start)
//   ready   its "Flowdeck is serving on" line is read (the index has listed
//           flows and run headers; the full read continues in the background)
//   row     the first run row is in the DOM and a frame has passed (painted)
//   status  the first run row shows its status (data-loaded="true")
// Chromium is started once, before the first round; its start is not
// counted.
// Usage: node frontend/e2e/bench-open.mjs --root <.metaflow> [--flow BenchFlow00] [--rounds 5] [--out file.json]
// Prints a table and JSON; writes frontend/e2e/artifacts/bench-open.json (or --out).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifacts, binary, chromiumArgs, sleep } from './harness.mjs';
import { chromium } from 'playwright-core';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ROOT = arg('root', process.env.FLOWDECK_BENCH_ROOT);
const FLOW = arg('flow', 'BenchFlow00');
const ROUNDS = Number(arg('rounds', 5));
const OUT = arg('out', path.join(artifacts, 'bench-open.json'));
if (!ROOT) {
  console.error('usage: bench-open.mjs --root <.metaflow> [--flow F] [--rounds N] [--out FILE]');
  process.exit(2);
}
const now = () => performance.timeOrigin + performance.now();

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const r = (v) => Math.round(v * 10) / 10;
  return { n: s.length, min: r(s[0]), p50: r(q(0.5)), max: r(s[s.length - 1]) };
}

function serve() {
  const spawnAt = now();
  const proc = spawn(binary(), ['serve', ROOT, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 60000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ url: m[1], readyAt: now() }); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${out}${err}`)); });
  });
  return { proc, spawnAt, ready };
}

async function stop(proc) {
  if (proc.exitCode !== null) return;
  proc.kill('SIGINT');
  await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000); proc.on('exit', () => { clearTimeout(t); r(); }); });
}

// Installed before the app's scripts: watches for the first run row, then
// waits one frame (rAF + task) so the row has been painted.
const observer = () => {
  const t = (window.__open = { row: null, rowDom: null, status: null, rows: 0 });
  const stamp = () => performance.timeOrigin + performance.now();
  const check = () => {
    const list = document.querySelector('[data-testid="list-runs"]');
    const first = list && list.querySelector('[data-testid^="run-"]');
    if (first && t.rowDom === null) {
      t.rowDom = stamp();
      requestAnimationFrame(() => setTimeout(() => { t.row = stamp(); t.rows = list.querySelectorAll('[data-testid^="run-"]').length; }, 0));
    }
    if (first && t.status === null && first.getAttribute('data-loaded') === 'true') {
      t.status = stamp();
      t.firstStatus = first.getAttribute('data-status');
    }
    if (t.row !== null && t.status !== null) mo.disconnect();
  };
  const mo = new MutationObserver(check);
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-loaded'] });
};

const loadBefore = os.loadavg();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: chromiumArgs });
const rounds = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.addInitScript(observer);
    const s = serve();
    try {
      const { url, readyAt } = await s.ready;
      const navAt = now();
      await page.goto(`${url}#/flows/${encodeURIComponent(FLOW)}`);
      await page.waitForFunction(() => window.__open && window.__open.row !== null && window.__open.status !== null, null, { timeout: 60000, polling: 20 });
      const o = await page.evaluate(() => window.__open);
      const r = {
        spawn_to_ready: readyAt - s.spawnAt,
        spawn_to_row: o.row - s.spawnAt,
        ready_to_row: o.row - readyAt,
        nav_to_row: o.row - navAt,
        spawn_to_status: o.status - s.spawnAt,
        rows_on_screen: o.rows,
        first_status: o.firstStatus,
      };
      rounds.push(r);
      console.error(`round ${i + 1}: ${JSON.stringify(r)}`);
    } finally {
      await ctx.close();
      await stop(s.proc);
    }
    await sleep(500);
  }
} finally {
  await browser.close();
}
const keys = ['spawn_to_ready', 'spawn_to_row', 'ready_to_row', 'nav_to_row', 'spawn_to_status'];
const summary = Object.fromEntries(keys.map((k) => [k, stats(rounds.map((r) => r[k]))]));
console.log(`\ncold open of ${ROOT} (${FLOW}), ${ROUNDS} rounds, ms`);
console.log('| measure | min | p50 | max |');
console.log('|---|---:|---:|---:|');
for (const k of keys) console.log(`| ${k} | ${summary[k].min} | ${summary[k].p50} | ${summary[k].max} |`);
const json = { when: new Date().toISOString(), root: ROOT, flow: FLOW, chromium: browser.version(), load: { before: loadBefore, after: os.loadavg(), cpus: os.cpus().length }, rounds, summary };
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, JSON.stringify(json, null, 2));
console.log(JSON.stringify(json));
