// Issue 14, the run page: the DAG with unstarted steps, the timeline of
// every task, a failed run's exception, error cards, the task tab in the
// URL and a resumed run's origin, on the real fixtures.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { assert, assertEqual, copyFixture, midrunCut, openPage, replay, screenshot, serveFor as serve, test, writeAtomic } from './harness.mjs';

async function open(t, srv, hash, opts) {
  const page = await openPage(t.browser, srv.url + hash, opts);
  t.cleanup(() => page.context().close());
  return page;
}

/** GET an API route from inside the page (it carries the page's secret). */
async function api(page, route) {
  return page.evaluate(async (r) => {
    const token = document.querySelector('meta[name="flowdeck-token"]')?.getAttribute('content') ?? '';
    const res = await fetch(r, { headers: { 'X-Flowdeck-Token': token } });
    if (!res.ok) throw new Error(`${r}: ${res.status}`);
    return res.json();
  }, route);
}

const hashOf = (page) => decodeURIComponent(new URL(page.url()).hash);

test('the DAG lists the steps a live run has not started, greyed, and opens a step', async (t) => {
  const srv = await serve(t, await copyFixture('live_midrun'));
  const page = await open(t, srv, '#/flows/LiveCardFlow/runs/1795642679591111');
  await page.getByTestId('run-dag').waitFor();
  const detail = await api(page, '/api/runs/LiveCardFlow/1795642679591111');
  const started = detail.steps.map((s) => s.name);
  const unstarted = detail.dag.steps.filter((s) => !started.includes(s.name)).map((s) => s.name);
  assert(unstarted.length > 0, `a mid-run copy has steps not started yet: ${JSON.stringify(detail.dag.steps)}`);
  const nodes = await page.locator('[data-testid^="dag-step-"]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('data-testid').slice('dag-step-'.length)}:${e.getAttribute('data-status')}`));
  assertEqual(nodes.sort(), detail.dag.steps.map((s) => `${s.name}:${s.status}`).sort(), 'DAG nodes');
  for (const name of unstarted) {
    assertEqual(await page.getByTestId(`dag-step-${name}`).getAttribute('data-status'), 'pending', `${name} status`);
    // Greyed: drawn in the faint text colour, not a status colour.
    const fill = await page.getByTestId(`dag-step-${name}`).locator('text.name').evaluate((e) => getComputedStyle(e).fill);
    const faint = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--text-faint)';
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    assertEqual(fill, faint, `${name} greyed`);
    // Not in the step list: only the DAG knows it.
    assertEqual(await page.getByTestId(`step-${name}`).count(), 0, `${name} in the step list`);
  }
  assertEqual(await page.getByTestId('dag-step-train').getAttribute('data-status'), 'running', 'train');
  assertEqual(await page.getByTestId('dag-step-start').getAttribute('data-type'), 'start', 'start type');
  // Keyboard: focus a step and open it with Enter.
  await page.getByTestId('dag-step-train').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => decodeURIComponent(location.hash).endsWith('/steps/train'));
  await page.getByTestId('task-2').waitFor();
  assertEqual(page.errors, [], 'page errors');
});

test('the DAG and the timeline follow a live run to its end without reload', async (t) => {
  const srv = await serve(t, await copyFixture('live_midrun'));
  const page = await open(t, srv, '#/flows/LiveCardFlow/runs/1795642679591111');
  await page.getByTestId('dag-step-end').waitFor();
  assertEqual(await page.getByTestId('dag-step-end').getAttribute('data-status'), 'pending', 'end before');
  const canvas = page.getByTestId('timeline');
  await canvas.waitFor();
  const rowsBefore = Number(await canvas.getAttribute('data-rows'));
  // The rest of the real run's writes, at ten times its speed.
  await replay(srv.root, { speed: 10, from: midrunCut(srv.root) });
  await page.waitForFunction(() => document.querySelector('[data-testid="dag-step-end"]')?.getAttribute('data-status') === 'succeeded',
    null, { timeout: 20000 });
  assertEqual(await page.getByTestId('dag-step-train').getAttribute('data-status'), 'succeeded', 'train after');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('data-rows')) === n + 1,
    rowsBefore, { timeout: 10000 });
  assertEqual(page.errors, [], 'page errors');
});

test('the split start of a 2.11.0 run is a split in the DAG and the steps table', async (t) => {
  const srv = await serve(t, await copyFixture('older-2.11.0/default'));
  const page = await open(t, srv, '#/flows/DefaultCardFlow/runs/1795644053426934');
  await page.getByTestId('dag-step-start').waitFor();
  assertEqual(await page.getByTestId('dag-step-start').getAttribute('data-type'), 'split', 'start type');
  assertEqual(await page.getByTestId('dag-step-join').getAttribute('data-type'), 'join', 'join type');
  const types = await page.locator('table.steps tbody tr').evaluateAll((rows) =>
    rows.map((r) => `${r.cells[0].innerText.trim()}:${r.cells[1].innerText.trim()}`));
  assertEqual(types, ['start:split', 'branch_a:linear', 'branch_b:linear', 'join:join', 'end:end'], 'steps table types');
  await page.getByTestId('dag-step-branch_b').click();
  await page.waitForFunction(() => decodeURIComponent(location.hash).endsWith('/steps/branch_b'));
});

test('the timeline draws every task of the 100-task foreach run, zooms, pans, and opens a task', async (t) => {
  const srv = await serve(t, await copyFixture('foreach100'));
  const flowRun = 'ForeachFlow/1796435008844960';
  const page = await open(t, srv, '#/flows/ForeachFlow/runs/1796435008844960');
  const canvas = page.getByTestId('timeline');
  await canvas.waitFor();
  const detail = await api(page, `/api/runs/${flowRun}`);
  const total = detail.counts.total;
  // foreach_flow.py --width 100: start, 100 process tasks, join, end.
  const perStep = detail.steps.map((s) => `${s.name}=${s.tasks_total}`).sort();
  assertEqual(perStep, ['end=1', 'join=1', 'process=100', 'start=1'], 'tasks per step');
  assertEqual(total, 103, 'tasks in the run');
  // One attempt per task, so one bar per row: a count of bars is a count of rows.
  const tl = await api(page, `/api/runs/${flowRun}/timeline`);
  assertEqual([tl.tasks, tl.attempts.length], [total, total], 'timeline tasks and attempts');
  assertEqual(Number(await canvas.getAttribute('data-rows')), total, 'rows');
  // The canvas draws only the rows in view (it is built for 10,000 tasks);
  // a 100-way foreach fits whole at the smallest row height, so the fitted
  // view draws every task, and scrolling to the bottom ends on the last.
  const drawnNow = async () => Number(await canvas.getAttribute('data-drawn'));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('data-drawn')) > 0);
  const top = await drawnNow();
  await page.locator('.plot').focus();
  // Each ArrowDown scrolls five rows, clamped at the last one.
  for (let i = 0; i < Math.ceil(total / 5) + 1; i++) await page.keyboard.press('ArrowDown');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const bottom = await drawnNow();
  // The last row of the view (22 px axis, 4 px rows) is end/103.
  const vbox = await canvas.boundingBox();
  let tipText = '';
  for (let x = vbox.x + vbox.width - 8; x > vbox.x + 80 && !tipText.includes('end/'); x -= 2) {
    await page.mouse.move(x, vbox.y + 22 + (total - 1) * 4 + 2);
    if (await page.getByTestId('timeline-tip').isVisible()) tipText = await page.getByTestId('timeline-tip').innerText();
  }
  assert(tipText.includes('end/103'), `the last row in the scrolled view is end/103, tooltip: ${tipText}`);
  assertEqual(top, total, `bars drawn in the fitted view (scrolled to the bottom: ${bottom})`);
  // 0 fits the time axis and scrolls back to the first row.
  await page.mouse.move(vbox.x + 2, vbox.y + 2);
  await page.keyboard.press('0');
  await page.waitForFunction((n) => document.querySelector('[data-testid="timeline"]').getAttribute('data-drawn') === String(n), top);
  // The canvas is drawn at the device pixel ratio.
  const size = await canvas.evaluate((c) => ({ w: c.width, cw: c.clientWidth, dpr: devicePixelRatio }));
  assertEqual(size.w, Math.round(size.cw * size.dpr), 'canvas backing width');
  // Zoom in around the middle: bars leave the view; 0 fits them all again.
  await page.locator('.plot').focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="timeline"]').getAttribute('data-drawn')) < n, top);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('0');
  await page.waitForFunction((n) => document.querySelector('[data-testid="timeline"]').getAttribute('data-drawn') === String(n), top);
  // Hover along the first row (start; below the 22 px axis, 4 px high with
  // 103 rows) until its bar shows a tooltip, then click it.
  const box = await canvas.boundingBox();
  let hit = false;
  for (let x = box.x + 80; x < box.x + box.width && !hit; x += 2) {
    await page.mouse.move(x, box.y + 22 + 2);
    hit = await page.getByTestId('timeline-tip').isVisible();
  }
  assert(hit, 'a tooltip over the start task bar');
  const tip = await page.getByTestId('timeline-tip').innerText();
  assert(tip.includes('start/1') && tip.includes('succeeded'), `tooltip: ${tip}`);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => decodeURIComponent(location.hash).endsWith('/steps/start/tasks/1'));
  await page.getByTestId('task-view').waitFor();
  assertEqual(page.errors, [], 'page errors');
});

test('the timeline shows a retried task as two attempts on one row', async (t) => {
  const srv = await serve(t, await copyFixture('retry'));
  const page = await open(t, srv, '#/flows/RetryFlow/runs/1795642659547529');
  const canvas = page.getByTestId('timeline');
  await canvas.waitFor();
  const tl = await api(page, '/api/runs/RetryFlow/1795642659547529/timeline');
  assert(tl.attempts.length === tl.tasks + 1, `one retry: ${tl.tasks} tasks, ${tl.attempts.length} attempts`);
  await page.waitForFunction((n) => document.querySelector('[data-testid="timeline"]')?.getAttribute('data-drawn') === String(n), tl.attempts.length);
  assertEqual(Number(await canvas.getAttribute('data-rows')), tl.tasks, 'one row per task');
});

test('a failed run shows its exception, one click from the full stderr', async (t) => {
  const srv = await serve(t, await copyFixture('failing'));
  const page = await open(t, srv, '#/flows/FailingFlow/runs/1795642652721113', { colorScheme: 'dark', viewport: { width: 1400, height: 1000 } });
  const tail = page.getByTestId('failure-tail');
  await tail.waitFor();
  const exception = 'RuntimeError: deliberate failure in FailingFlow.work';
  assert((await tail.innerText()).includes(exception), `tail: ${await tail.innerText()}`);
  // The end of stderr is in view.
  const scrolled = await tail.evaluate((e) => e.scrollTop + e.clientHeight >= e.scrollHeight - 2);
  assert(scrolled, 'the tail is scrolled to the exception');
  await page.getByTestId('dag-step-end').waitFor();
  await screenshot(page, 'runpage-failing-dark');
  await page.getByTestId('failure-log-work-2').click();
  await page.waitForFunction(() => decodeURIComponent(location.hash).endsWith('/steps/work/tasks/2/logs/stderr'));
  await page.getByTestId('log-text').waitFor();
  assert((await page.getByTestId('log-text').innerText()).includes(exception), 'full stderr');
  assertEqual(await page.getByTestId('log-stderr').getAttribute('aria-pressed'), 'true', 'stderr chosen');
  // A failed task's Logs tab opens on stderr with no stream in the URL.
  await page.goto(`${srv.url}#/flows/FailingFlow/runs/1795642652721113/steps/work/tasks/2`);
  await page.getByTestId('tab-logs').click();
  await page.waitForFunction(() => decodeURIComponent(location.hash).endsWith('/tasks/2/logs'));
  await page.waitForFunction(() => document.querySelector('[data-testid="log-stderr"]')?.getAttribute('aria-pressed') === 'true');
  await page.getByTestId('log-text').waitFor();
  assert((await page.getByTestId('log-text').innerText()).includes(exception), 'stderr shown first');
  // A succeeded task's Logs tab opens on stdout.
  await page.goto(`${srv.url}#/flows/FailingFlow/runs/1795642652721113/steps/start/tasks/1/logs`);
  await page.waitForFunction(() => document.querySelector('[data-testid="log-stdout"]')?.getAttribute('aria-pressed') === 'true');
  assertEqual(page.errors, [], 'page errors');
});

test('the task tab is in the URL: deep links, reload, back', async (t) => {
  const srv = await serve(t, await copyFixture('default'));
  const task = '#/flows/DefaultCardFlow/runs/1795642620378112/steps/start/tasks/1';
  const page = await open(t, srv, `${task}/artifacts`);
  await page.getByTestId('tab-artifacts').waitFor();
  assertEqual(await page.getByTestId('tab-artifacts').getAttribute('aria-selected'), 'true', 'artifacts from the URL');
  await page.getByTestId('tab-logs').click();
  await page.waitForFunction((h) => decodeURIComponent(location.hash) === `${h}/logs`, task);
  await page.getByTestId('log-stderr').click();
  await page.waitForFunction((h) => decodeURIComponent(location.hash) === `${h}/logs/stderr`, task);
  await page.reload();
  await page.getByTestId('log-stderr').waitFor();
  assertEqual(await page.getByTestId('log-stderr').getAttribute('aria-pressed'), 'true', 'stream after reload');
  assertEqual(await page.getByTestId('tab-logs').getAttribute('aria-selected'), 'true', 'tab after reload');
  await page.goBack();
  await page.waitForFunction((h) => decodeURIComponent(location.hash) === `${h}/artifacts`, task);
  await page.waitForFunction(() => document.querySelector('[data-testid="tab-artifacts"]')?.getAttribute('aria-selected') === 'true');
  // The cards tab keeps its old deep links.
  await page.getByTestId('tab-cards').click();
  await page.waitForFunction((h) => decodeURIComponent(location.hash) === h, task);
  const card = page.locator('[data-testid^="card-"][data-type]').first();
  await card.click();
  await page.waitForFunction(() => /\/tasks\/1\/cards\/[A-Za-z0-9_-]+$/.test(decodeURIComponent(location.hash)));
  assertEqual(page.errors, [], 'page errors');
});

test('error cards are marked in the card list and on their task', async (t) => {
  const root = await copyFixture('live');
  const run = '1795642679591111';
  const task = path.join(root, 'mf.cards', 'LiveCardFlow', 'runs', run, 'steps', 'train', 'tasks', '2');
  const name = 'corpus_always-custom-b2142f64982849418bf6be3b5c058beb';
  // The error card Metaflow 2.19.38 wrote for this card where its type was
  // not installed (an S3 run kept out of the fixtures): the template page
  // with this card JSON. The task's own blank card is the template.
  const errorJSON = JSON.stringify({
    metadata: { pathspec: `LiveCardFlow/${run}/train/2` },
    components: [{ type: 'page', title: 'Error Card', contents: [{ type: 'section', title: 'Card Render Failed With Error', contents: [
      { type: 'log', data: 'MetaflowCard named corpus_always not found. Check the `type` attribute in @card', id: 'logcomponent_c49267' }] }] }],
  });
  const blank = (await fsp.readdir(path.join(task, 'cards'))).find((f) => f.startsWith('blank-'));
  const template = await fsp.readFile(path.join(task, 'cards', blank), 'utf8');
  const page1 = template.replace(/(window\.__MF_DATA__\["[^"]*"\] = ")[^"]*(")/, (_, a, b) => a + Buffer.from(errorJSON).toString('base64') + b);
  assert(page1 !== template, 'the template has card data to replace');
  await fsp.writeFile(path.join(task, 'cards', `${name}.html`), page1);
  await fsp.rm(path.join(task, 'runtime', `${name}.data.json`));
  const srv = await serve(t, root);
  const page = await open(t, srv, `#/flows/LiveCardFlow/runs/${run}/steps/train`);
  const detail = await api(page, `/api/tasks/LiveCardFlow/${run}/train/2`);
  const flagged = detail.cards.filter((c) => c.error_card).map((c) => `${c.type}-${c.id}`);
  assertEqual(flagged, ['corpus_always-custom'], 'error_card in the API');
  await page.getByTestId('task-error-card').waitFor();
  await page.getByTestId('task-2').click();
  const row = page.locator('[data-error-card="true"]');
  await row.waitFor();
  assertEqual(await page.locator('[data-error-card="true"]').count(), 1, 'one error card');
  assert(await row.getByTestId('error-card-mark').isVisible(), 'marker visible');
  assertEqual(await page.locator('[data-error-card="false"] [data-testid="error-card-mark"]').count(), 0, 'other cards unmarked');
  assertEqual(page.errors, [], 'page errors');
});

test('a resumed run says where it was resumed from', async (t) => {
  // No fixture holds a resume (docs/format.md), so one is made by hand as
  // Metaflow writes it: a new run whose start/1 and branch_a/2 are clones
  // with origin-run-id/origin-task-id (as datastore TestResumedRun does).
  const root = await copyFixture('default');
  const flow = 'DefaultCardFlow';
  const origin = '1795642620378112';
  const resumed = '1795642699999999';
  await fsp.cp(path.join(root, flow, origin), path.join(root, flow, resumed), { recursive: true });
  for (const step of ['start/1', 'branch_a/2']) {
    const meta = path.join(root, flow, resumed, step, '_meta');
    for (const f of await fsp.readdir(meta)) if (f.startsWith('sysmeta_attempt_ok_')) await fsp.rm(path.join(meta, f));
    const task = step.split('/')[1];
    await fsp.writeFile(path.join(meta, 'sysmeta_origin-task-id_1795642700000.json'),
      JSON.stringify({ field_name: 'origin-task-id', type: 'origin-task-id', value: task, tags: ['attempt_id:0'], ts_epoch: 1795642700000 }));
    await fsp.writeFile(path.join(meta, 'sysmeta_origin-run-id_1795642700001.json'),
      JSON.stringify({ field_name: 'origin-run-id', type: 'origin-run-id', value: origin, tags: ['attempt_id:0'], ts_epoch: 1795642700001 }));
  }
  const srv = await serve(t, root);
  const page = await open(t, srv, `#/flows/${flow}/runs/${resumed}`);
  const mark = page.getByTestId('run-origin');
  await mark.waitFor();
  assert((await mark.innerText()).includes(`resumed from ${origin}`), `header: ${await mark.innerText()}`);
  const detail = await api(page, `/api/runs/${flow}/${resumed}`);
  assertEqual(detail.origin_run, `${flow}/${origin}`, 'origin_run in the API');
  await mark.getByRole('link').click();
  await page.waitForFunction((h) => decodeURIComponent(location.hash) === h, `#/flows/${flow}/runs/${origin}`);
  await page.getByTestId('run-header').waitFor();
  assertEqual(await page.getByTestId('run-origin').count(), 0, 'the origin run was not resumed');
  assertEqual(page.errors, [], 'page errors');
});

test('run page screenshots, light and dark', async (t) => {
  const srv = await serve(t, await copyFixture('foreach'));
  for (const colorScheme of ['light', 'dark']) {
    const page = await open(t, srv, '#/flows/ForeachFlow/runs/1795642634789065', { colorScheme, viewport: { width: 1400, height: 1000 } });
    await page.getByTestId('run-dag').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('data-drawn')) > 0);
    await screenshot(page, `runpage-foreach-${colorScheme}`);
    assertEqual(page.errors, [], `${colorScheme}: page errors`);
  }
});

/**
 * A copy of fixture laid out as Metaflow before 2.18.13 lays out a run
 * started in a subfolder (docs/format.md): the run in <base>/.metaflow,
 * its cards in <base>/project/.metaflow/mf.cards. Serves it.
 */
async function subfolderCards(t, fixture) {
  const root = await copyFixture(fixture);
  const cardRoot = path.join(path.dirname(root), 'project', '.metaflow', 'mf.cards');
  await fsp.mkdir(path.dirname(cardRoot), { recursive: true });
  await fsp.rename(path.join(root, 'mf.cards'), cardRoot);
  return { srv: await serve(t, root), cardRoot };
}

test('cards of a run started in a subfolder (Metaflow before 2.18.13) are found there, and where is shown', async (t) => {
  const { srv, cardRoot } = await subfolderCards(t, 'older-2.11.0/default');
  const page = await open(t, srv, '#/flows/DefaultCardFlow/runs/1795644053426934/steps/start/tasks/1');
  await page.locator('[data-testid^="card-"][data-type]').first().waitFor();
  const found = page.getByTestId('cards-found-in');
  await found.waitFor();
  assert((await found.innerText()).includes(cardRoot), `found in: ${await found.innerText()}`);
  await page.locator('[data-testid^="card-"][data-type="default"]').first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-pane"]')?.getAttribute('data-kind') === 'template');
  // The run page says it too.
  await page.goto(`${srv.url}#/flows/DefaultCardFlow/runs/1795644053426934`);
  const runFound = page.getByTestId('run-cards-found-in');
  await runFound.waitFor();
  assert((await runFound.innerText()).includes(cardRoot), `run page: ${await runFound.innerText()}`);
  assertEqual(page.errors, [], 'page errors');
});

test('a live run whose cards are in a subfolder (Metaflow before 2.18.13) updates its card from there', async (t) => {
  // The running task of live_midrun.
  const { srv, cardRoot } = await subfolderCards(t, 'live_midrun');
  // Opening the task opens its live card.
  const page = await open(t, srv, '#/flows/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2');
  const pane = page.getByTestId('card-pane');
  await page.waitForFunction(() => /epoch 22 of 40/.test(document.querySelector('[data-testid="card-pane"]')?.innerText ?? ''), null, { timeout: 15000 });
  assert((await page.getByTestId('cards-found-in').innerText()).includes(cardRoot), 'says where the cards are');
  // The run writes its next value there.
  const file = path.join(cardRoot, 'LiveCardFlow', 'runs', '1795642679591111', 'steps', 'train', 'tasks', '2', 'runtime',
    'blank-live-c79b8e3a1d2744138aa4ac35afe06da8.data.json');
  const data = JSON.parse(await fsp.readFile(file, 'utf8'));
  data.data.status_md.source = '# Training\nepoch **23** of 40, loss = 0.1500';
  data.created_on += 1;
  await writeAtomic(file, JSON.stringify(data));
  await page.waitForFunction(() => /epoch 23 of 40/.test(document.querySelector('[data-testid="card-pane"]')?.innerText ?? ''), null, { timeout: 15000 });
  assertEqual(await pane.getAttribute('data-state'), 'live', 'the card is still live');
  assertEqual(page.errors, [], 'page errors');
});

test('a run with no cards anywhere says where Flowdeck looked and how to point it at them', async (t) => {
  const root = await copyFixture('older-2.11.0/default');
  await fsp.rm(path.join(root, 'mf.cards'), { recursive: true });
  const srv = await serve(t, root);
  const page = await open(t, srv, '#/flows/DefaultCardFlow/runs/1795644053426934/steps/start/tasks/1');
  const hint = page.getByTestId('cards-missing');
  await hint.waitFor();
  const text = await hint.innerText();
  assert(text.includes('2.18.13') && text.includes('METAFLOW_CARD_LOCALROOT') && text.includes(path.dirname(root)), `hint: ${text}`);
  assertEqual(page.errors, [], 'page errors');
});
