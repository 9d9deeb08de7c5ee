// Benchmark (internal/benchrun "s3"): a live run PUT object by object into
// a local S3 server (internal/s3test/cmd/s3live: whole-object PUTs, each
// card update a new runtime data object) shown by `flowdeck serve
// s3://bucket/live` on the foreach dashboard. Measures, for each card
// update of the tasks on screen, the end of its PUT → the tile showing
// that batch (MutationObserver in the page), and reads the server's
// requests of the last minute from its status.
//
// Usage: node frontend/e2e/bench-s3-live.mjs --endpoint URL --s3live BIN [--bucket B] [--window 30] [--width 4] [--out FILE]
// AWS_ENDPOINT_URL (and no credentials) must be in the environment.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifacts, launch, openPage, sleep, startServe } from './harness.mjs';
import { apiToken, dashboardHash, waitTasks } from './dashlib.mjs';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}
const ENDPOINT = arg('endpoint');
const S3LIVE = arg('s3live');
const BUCKET = arg('bucket', 'bench');
const WINDOW_S = Number(arg('window', 30));
const WIDTH = Number(arg('width', 4));
const OUT = arg('out', path.join(artifacts, 'bench-s3-live.json'));
if (!ENDPOINT || !S3LIVE) {
  console.error('usage: bench-s3-live.mjs --endpoint URL --s3live BIN [--window 30]');
  process.exit(2);
}

const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const load0 = os.loadavg()[0];
const updates = WINDOW_S + 40;
const live = spawn(S3LIVE, ['-endpoint', ENDPOINT, '-bucket', BUCKET, '-prefix', 'live', '-width', String(WIDTH), '-updates', String(updates), '-interval', '1s'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
live.stdout.on('data', (d) => { out += d; });
const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
let srv, browser;
try {
  const t0 = Date.now();
  let head;
  while (!(head = lines().find((l) => l.run))) {
    if (Date.now() - t0 > 60000 || live.exitCode !== null) throw new Error(`s3live did not start: ${out}`);
    await sleep(100);
  }
  srv = await startServe(`s3://${BUCKET}/live`);
  await waitTasks(srv, head.flow, head.run, 'process', WIDTH);
  browser = await launch();
  const page = await openPage(browser, `${srv.url}${dashboardHash(head.flow, head.run, 'process')}`, { viewport: { width: 1440, height: 900 } });
  await page.getByTestId('dashboard-grid').waitFor({ timeout: 30000 });
  await page.evaluate(() => {
    window.__seen = [];
    const last = {};
    const scan = () => {
      const now = Date.now();
      for (const el of document.querySelectorAll('[data-testid="dash-tile"]')) {
        const v = el.querySelector('[data-testid="tile-progress-value"]');
        const n = Number(/\d+/.exec(v?.textContent ?? '')?.[0]);
        if (Number.isFinite(n) && last[el.dataset.task] !== n) {
          last[el.dataset.task] = n;
          window.__seen.push({ task: el.dataset.task, n, t: now });
        }
      }
    };
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
    scan();
  });
  const start = Date.now();
  await sleep(WINDOW_S * 1000);
  const end = Date.now();
  const seen = await page.evaluate(() => window.__seen);
  const token = await apiToken(srv);
  const st = await (await fetch(`${srv.origin}/api/datastore`, { headers: { 'X-Flowdeck-Token': token } })).json();
  // Each PUT in the window (leaving the last 3 s for it to show).
  const puts = lines().filter((l) => l.task && l.ms >= start && l.ms <= end - 3000);
  const lat = [];
  let missed = 0;
  for (const p of puts) {
    const s = seen.find((x) => x.task === p.task && x.n >= p.batch && x.t >= p.ms - 50);
    if (s) lat.push(Math.max(0, s.t - p.ms)); else missed++;
  }
  lat.sort((a, b) => a - b);
  const res = {
    window_s: WINDOW_S, width: WIDTH, puts: puts.length,
    latency: { N: lat.length, P50: pct(lat, 50), P95: pct(lat, 95), P99: pct(lat, 99), Max: lat[lat.length - 1] ?? NaN },
    missed, requests_per_min: st.watch?.requests_per_min ?? null, watch: st.watch,
    load: `${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(res, null, 1));
  console.log(JSON.stringify(res));
} finally {
  await browser?.close();
  await srv?.stop();
  live.kill('SIGTERM');
}
