// Helpers of the foreach dashboard's browser test and benchmark: a live
// foreach written by internal/livesim (mfsim.Live) next to `flowdeck serve`.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repo, tmpDir } from './harness.mjs';

/** Builds internal/livesim once per process; returns the binary's path. */
let built = null;
export async function livesimBinary() {
  if (built) return built;
  const out = path.join(await tmpDir('flowdeck-livesim-'), 'livesim');
  execFileSync('go', ['build', '-o', out, './internal/livesim'], { cwd: repo, env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: 'inherit' });
  built = out;
  return out;
}

/**
 * Starts a live foreach of `width` tasks whose cards update every
 * `intervalMs`, `updates` times, into root (a .metaflow folder). Resolves
 * with {run, log, stop()} once the run is on disk; `log` is the file of
 * livesim's write log (one JSON line per card update).
 */
export async function startLiveForeach(root, { width = 100, intervalMs = 1000, updates = 40, flow = 'DashFlow' } = {}) {
  const bin = await livesimBinary();
  const log = path.join(path.dirname(root), 'writes.jsonl');
  const proc = spawn(bin, ['-root', root, '-flow', flow, '-width', String(width), '-interval', `${intervalMs}ms`, '-updates', String(updates), '-log', log], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const run = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`livesim did not start: ${out}${err}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^run (\d+)$/m);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`livesim exited ${code}: ${out}${err}`)); });
  });
  return {
    run, flow, log, proc,
    /** Every write logged so far: {task, batch, ms}. */
    writes() {
      if (!fs.existsSync(log)) return [];
      return fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l));
    },
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGINT');
      await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000); proc.on('exit', () => { clearTimeout(t); r(); }); });
    },
  };
}

/** The runtime data JSON of task's card on disk (the newest one written). */
export function readTaskData(root, flow, run, step, task) {
  const dir = path.join(root, 'mf.cards', flow, 'runs', run, 'steps', step, 'tasks', task, 'runtime');
  const f = fs.readdirSync(dir).find((n) => n.endsWith('.data.json'));
  return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** The API secret of a `flowdeck serve` (the page carries it in a meta tag). */
export async function apiToken(srv) {
  const html = await (await fetch(srv.url)).text();
  // The last tag holds the secret (the first is a placeholder).
  const m = [...html.matchAll(/<meta name="flowdeck-token" content="([^"]+)"/g)].pop();
  if (!m) throw new Error('no API secret in the page');
  return m[1];
}

/** Waits until the step has `n` tasks in the index. */
export async function waitTasks(srv, flow, run, step, n, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  const token = await apiToken(srv);
  let last = null;
  while (Date.now() < end) {
    const r = await fetch(`${srv.origin}/api/runs/${flow}/${run}/steps/${step}?limit=0`, { headers: { 'X-Flowdeck-Token': token } }).catch(() => null);
    if (r?.ok) {
      last = await r.json();
      if (last.tasks_total >= n) return last;
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`step ${step} has ${last?.tasks_total} of ${n} tasks after ${timeoutMs} ms`);
}

export function dashboardHash(flow, run, step) {
  return `#/flows/${encodeURIComponent(flow)}/runs/${encodeURIComponent(run)}/steps/${encodeURIComponent(step)}/dashboard`;
}
