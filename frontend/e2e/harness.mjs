// Browser-test harness: real `flowdeck serve` on copies of the fixtures,
// driven in Debian's Chromium through playwright-core. No test framework:
// run.mjs imports every *.spec.mjs and runs the tests they register.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
// The Metaflow fixtures (testdata/metaflow/README.md); $FLOWDECK_FIXTURES
// overrides it, as for the Go tests (internal/fixture.In).
export const fixtures = process.env.FLOWDECK_FIXTURES || path.join(repo, 'testdata', 'metaflow');
export const artifacts = path.join(here, 'artifacts');

const registry = [];
/** Registers a test; `fn(t)` gets {name, tmp(), cleanup(fn)}. */
export function test(name, fn, opts = {}) {
  registry.push({ name, fn, file: currentFile, ...opts });
}
let currentFile = '';
export function setFile(f) { currentFile = f; }
export function tests() { return registry; }

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}
export function assertEqual(got, want, msg) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) throw new Error(`${msg}: got ${g}, want ${w}`);
}

export async function tmpDir(prefix = 'flowdeck-e2e-') {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Copies fixtures/<name> into a temp folder; returns its .metaflow path. */
export async function copyFixture(name) {
  const src = path.join(fixtures, name);
  if (!fs.existsSync(src)) throw new Error(`fixture ${name} missing at ${src}`);
  const dst = await tmpDir();
  await fsp.cp(src, dst, { recursive: true });
  // Fixtures are read-only; the copies must be writable.
  await chmodTree(dst);
  return path.join(dst, '.metaflow');
}

async function chmodTree(dir) {
  await fsp.chmod(dir, 0o755);
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await chmodTree(p);
    else if (e.isFile()) await fsp.chmod(p, 0o644);
  }
}

export function binary() {
  const bin = process.env.FLOWDECK_BIN || path.join(repo, 'bin', 'flowdeck');
  if (!fs.existsSync(bin)) throw new Error(`flowdeck binary not found at ${bin}; run scripts/build.sh or set FLOWDECK_BIN`);
  return bin;
}

/**
 * Starts `flowdeck serve <root>` on a free loopback port and resolves once
 * it prints its URL. Extra args are passed through (e.g. ['--poll']). With
 * a test log in env (FLOWDECK_TEST_LOG) it adds --debug-api, without which
 * the binary ignores the test hooks; otherwise the server is the product's.
 */
export async function startServe(root, args = [], env = {}) {
  const debug = env.FLOWDECK_TEST_LOG ? ['--debug-api'] : [];
  return startFlowdeck(['serve', ...(root ? [root] : []), '--addr', '127.0.0.1:0', ...args, ...debug], env, root);
}

/**
 * Starts `flowdeck demo --serve` (a simulated live run in a temporary
 * datastore, removed when it stops); `root` is the datastore it printed.
 */
export async function startDemo(env = {}) {
  const srv = await startFlowdeck(['demo', '--serve', '--addr', '127.0.0.1:0'], env);
  srv.root = srv.stdout().match(/demo datastore: (\S+)/)?.[1];
  return srv;
}

async function startFlowdeck(argv, env, root) {
  const proc = spawn(binary(), argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flowdeck serve did not start: ${out}${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (https?:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`flowdeck serve exited ${code}: ${out}${err}`)); });
  });
  const origin = new URL(url).origin;
  return {
    url, origin, proc, root,
    stderr: () => err,
    stdout: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGINT');
      await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000); proc.on('exit', () => { clearTimeout(t); r(); }); });
    },
  };
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

/** A page that records console errors and uncaught exceptions. */
export async function openPage(browser, url, { colorScheme = 'light', viewport = { width: 1280, height: 800 } } = {}) {
  const ctx = await browser.newContext({ colorScheme, viewport });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // A failed resource's message does not name it; its location does.
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.location()?.url ? `${m.text()} (${m.location().url})` : m.text()); });
  await page.goto(url);
  return page;
}

/** `flowdeck serve` on root for one test; it stops when the test ends. */
export async function serveFor(t, root) {
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  return srv;
}

/** openPage for one test (viewport optional); closed when the test ends. */
export async function pageFor(t, url, viewport) {
  const p = await openPage(t.browser, url, viewport ? { viewport } : undefined);
  t.cleanup(() => p.context().close());
  return p;
}

/** The page's route, decoded. */
export const routeHash = (p) => p.evaluate(() => decodeURIComponent(location.hash));

export async function screenshot(page, name) {
  await fsp.mkdir(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Reads live-replay/events.jsonl. */
export function replayEvents() {
  const dir = path.join(fixtures, 'live-replay');
  return fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const e = JSON.parse(l);
    e.blobPath = path.join(dir, e.blob);
    return e;
  });
}

/**
 * The index of the first write not yet on disk in a copy of
 * fixtures/live_midrun (a `cp -a` taken mid-run): replay from there.
 */
export function midrunCut(root) {
  let cut = -1;
  replayEvents().forEach((e, i) => {
    const p = path.join(root, e.path);
    if (fs.existsSync(p) && fs.readFileSync(p).equals(fs.readFileSync(e.blobPath))) cut = i;
  });
  if (cut < 0) throw new Error(`${root} is not a mid-run copy of the live task`);
  return cut + 1;
}

/** Writes like Metaflow 2.19.20+: a tmp file in the same folder, then rename. */
export async function writeAtomic(file, data) {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `tmp${Math.random().toString(36).slice(2, 10)}`);
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

/**
 * Replays the live task's writes into root at `speed` (1 = real time,
 * 0 = as fast as possible). `from` skips the events before that index (see
 * midrunCut); `skip(e, i)` can drop others; `onWrite(e, i)` is called after
 * each write.
 */
export async function replay(root, { speed = 1, from = 0, skip = () => false, onWrite = () => {} } = {}) {
  const evs = replayEvents();
  const t0 = Date.now();
  const keep = (e, i) => i >= from && !skip(e, i);
  const first = evs.find(keep)?.t ?? 0;
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i];
    if (!keep(e, i)) continue;
    if (speed > 0) {
      const due = t0 + ((e.t - first) * 1000) / speed;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await writeAtomic(path.join(root, e.path), await fsp.readFile(e.blobPath));
    await onWrite(e, i);
  }
}

/** Records every request to 127.0.0.1:47291, the hostile fixture's canary. */
export async function canary(port = 47291) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.end('canary');
  });
  server.on('upgrade', (req, sock) => { requests.push(`UPGRADE ${req.url}`); sock.destroy(); });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return { requests, close: () => new Promise((r) => server.close(r)) };
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
