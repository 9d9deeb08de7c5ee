// Issue 12, point 2: in serve mode, repeated demo opens run one demo writer
// at a time; "Leave" returns to the datastore named on the command line; no
// demo folder outlives the process, on SIGTERM or Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { assert, assertEqual, binary, copyFixture, openPage, sleep, startServe, test, tmpDir } from './harness.mjs';

function demoDirs(tmp) { return fs.readdirSync(tmp).filter((n) => n.startsWith('flowdeck-demo-')); }

async function until(what, cond, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return; await sleep(100); }
  throw new Error(`timed out waiting for ${what}`);
}

// The page's own request, as Welcome and Sidebar send it.
function openFrom(page, body) {
  return page.evaluate(async (b) => {
    const tok = document.querySelector('meta[name="flowdeck-token"]').content;
    const r = await fetch('/api/open', { method: 'POST', headers: { 'X-Flowdeck-Token': tok, 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
    return r.status;
  }, body);
}

function status(page) {
  return page.evaluate(async () => {
    const tok = document.querySelector('meta[name="flowdeck-token"]').content;
    return (await fetch('/api/datastore', { headers: { 'X-Flowdeck-Token': tok } })).json();
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`demo in serve mode: one writer, leave returns home, no folder left after ${signal}`, async (t) => {
    const tmp = await tmpDir('flowdeck-demo-tmp-');
    const root = await copyFixture('hostile');
    const srv = await startServe(root, [], { TMPDIR: tmp });
    t.cleanup(() => srv.stop());
    const page = await openPage(t.browser, srv.url);
    t.cleanup(() => page.context().close());
    await page.waitForFunction(() => document.body.innerText.includes('HostileFlow'), null, { timeout: 15000 });
    for (let i = 0; i < 6; i++) {
      assertEqual(await openFrom(page, { demo: true }), 200, `demo open ${i}`);
      // The previous writer has stopped and its folder is gone.
      await until(`one demo folder after open ${i}`, () => demoDirs(tmp).length === 1);
    }
    const st = await status(page);
    assertEqual([st.demo, st.home], [true, root], 'status in the demo');
    const dir = demoDirs(tmp)[0];
    // The UI offers the way back, and takes it.
    await page.reload();
    await page.getByTestId('leave-demo').click();
    await until('home datastore shown', async () => (await status(page)).root === root);
    assertEqual((await status(page)).demo, false, 'demo after leaving');
    await until('demo folder removed after leaving', () => !fs.existsSync(`${tmp}/${dir}`));
    await page.waitForFunction(() => document.body.innerText.includes('HostileFlow'), null, { timeout: 10000 });
    assertEqual(await page.getByTestId('leave-demo').count(), 0, 'no Leave button outside the demo');

    assertEqual(await openFrom(page, { demo: true }), 200, 'demo before the signal');
    assertEqual(demoDirs(tmp).length, 1, 'demo folders before the signal');
    const exited = new Promise((r) => srv.proc.on('exit', (code, sig) => r({ code, sig })));
    srv.proc.kill(signal);
    const how = await Promise.race([exited, sleep(10000).then(() => null)]);
    assert(how !== null, `flowdeck exited after ${signal}`);
    assertEqual(demoDirs(tmp), [], `demo folders after ${signal}`);
  }, { timeout: 90000 });
}

// `flowdeck demo --serve`: the demo the command started is the one writer; a
// demo opened from the page replaces it, and Ctrl-C leaves no folder.
test('flowdeck demo --serve: a demo opened from the page replaces the first', async (t) => {
  const tmp = await tmpDir('flowdeck-demo-tmp-');
  const proc = spawn(binary(), ['demo', '--serve', '--addr', '127.0.0.1:0'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.cleanup(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo --serve did not start: ${out}`)), 20000);
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/serving on (http:\/\/\S+)/); if (m) { clearTimeout(timer); resolve(m[1]); } });
  });
  const page = await openPage(t.browser, url);
  t.cleanup(() => page.context().close());
  assertEqual(demoDirs(tmp).length, 1, 'demo folders at start');
  const first = demoDirs(tmp)[0];
  for (let i = 0; i < 3; i++) assertEqual(await openFrom(page, { demo: true }), 200, `demo open ${i}`);
  await until('one demo folder, not the first', () => demoDirs(tmp).length === 1 && demoDirs(tmp)[0] !== first);
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGINT');
  await Promise.race([exited, sleep(10000)]);
  assertEqual(demoDirs(tmp), [], 'demo folders after Ctrl-C');
}, { timeout: 60000 });
