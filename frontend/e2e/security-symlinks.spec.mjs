// Issue 12, point 3: links planted inside a datastore copy (the card
// and runtime folders, a flow, a run, a step, a task, a log) serve nothing
// from outside it; the task says which link it refused, and the run's other
// items still show.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertEqual, copyFixture, openPage, startServe, test, tmpDir } from './harness.mjs';
import { cardKey, cardRoute } from './original-helpers.mjs';

const RUN = '1795642761955764';
const SECRET = 'OUTSIDE-DATASTORE-SECRET';
const STEM = 'blank-stolen-0123456789abcdef0123456789abcdef';

async function plant(root) {
  const out = await tmpDir('flowdeck-outside-');
  const w = (p, s) => { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, s); };
  const link = (target, at) => { fs.mkdirSync(path.dirname(at), { recursive: true }); fs.rmSync(at, { recursive: true, force: true }); fs.symlinkSync(target, at); };
  w(path.join(out, 'cards', `${STEM}.html`), `<html><body>${SECRET}-CARD</body></html>`);
  w(path.join(out, 'runtime', `${STEM}.data.json`), `{"reload_token":"x","data":{"s":"${SECRET}-DATA"}}`);
  w(path.join(out, 'secret.log'), `${SECRET}-LOG\n`);
  fs.cpSync(path.join(root, 'HostileFlow'), path.join(out, 'flow'), { recursive: true });
  w(path.join(out, 'flow', RUN, 'end', '2', '0.runtime_stdout.log'), `${SECRET}-TASKLOG\n`);
  const cardsTask = path.join(root, 'mf.cards', 'HostileFlow', 'runs', RUN, 'steps', 'end', 'tasks', '2');
  link(path.join(out, 'cards'), path.join(cardsTask, 'cards'));
  link(path.join(out, 'runtime'), path.join(cardsTask, 'runtime'));
  link(path.join(out, 'flow'), path.join(root, 'StolenFlow'));
  link(path.join(out, 'flow', RUN), path.join(root, 'HostileFlow', '1795642761955765'));
  link(path.join(out, 'flow', RUN, 'end'), path.join(root, 'HostileFlow', RUN, 'middle'));
  link(path.join(out, 'flow', RUN, 'end', '2'), path.join(root, 'HostileFlow', RUN, 'end', '3'));
  link(path.join(out, 'secret.log'), path.join(root, 'HostileFlow', RUN, 'start', '1', '0.runtime_stdout.log'));
}

test('links inside the datastore are refused at every level, named, and the run stays readable', async (t) => {
  const root = await copyFixture('hostile');
  await plant(root);
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, `${srv.url}#/flows/HostileFlow/runs/${RUN}/steps/end/tasks/2`);
  t.cleanup(() => page.context().close());
  await page.waitForFunction(() => document.body.innerText.includes('is a symbolic link; Flowdeck does not follow links inside a datastore'), null, { timeout: 15000 });
  const text = await page.evaluate(() => document.body.innerText);
  assert(text.includes(path.join('tasks', '2', 'cards')), 'the refused link is named');
  // The rest of the run: start/1 and its cards.
  const own = cardKey('HostileFlow', RUN, 'start', '1', 'html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783');
  await page.goto(`${srv.url}${cardRoute('HostileFlow', RUN, 'start', '1', own)}`);
  await page.waitForSelector(`[data-testid="card-pane"][data-key="${own}"]`, { timeout: 15000 });
  const stolen = cardKey('HostileFlow', RUN, 'end', '2', STEM);
  const got = await page.evaluate(async ({ stolen, run }) => {
    const tok = document.querySelector('meta[name="flowdeck-token"]').content;
    const h = { headers: { 'X-Flowdeck-Token': tok } };
    const paths = [`/card/${stolen}`, `/api/cards/${stolen}/data`, '/api/flows', `/api/flows/StolenFlow/runs`,
      `/api/runs/HostileFlow/1795642761955765`, `/api/runs/HostileFlow/${run}`, `/api/tasks/HostileFlow/${run}/end/3`,
      `/api/tasks/HostileFlow/${run}/start/1/logs/stdout`, `/api/tasks/HostileFlow/${run}/end/2/logs/stdout`];
    return Promise.all(paths.map(async (p) => { const r = await fetch(p, h); return { p, status: r.status, body: await r.text() }; }));
  }, { stolen, run: RUN });
  assertEqual(got.filter((r) => r.body.includes(SECRET)).map((r) => r.p), [], 'responses with content from outside');
  assertEqual(got[0].status, 404, 'the planted card');
  assertEqual(got[5].status, 200, 'the run');
  assert(got[7].body.includes('is a symbolic link'), `start/1's linked log says so: ${got[7].body}`);
  assert(!(await page.evaluate(() => document.body.innerText)).includes(SECRET), 'page text');
}, { timeout: 60000 });
