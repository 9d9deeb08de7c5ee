// Issue 5: the pane says whether a card is live, final, or left over, and the
// native view shows the newest values: a failed task's runtime card with its
// runtime data on top (fixtures/failing), both attempts of a retried task
// (fixtures/retry), and cards written by Metaflow 2.11 (docs/format.md §16).
import path from 'node:path';
import { artifacts, assert, assertEqual, copyFixture, startServe, test } from './harness.mjs';
import { cardKey, findCardFile, openCard, textOf } from './native-lib.mjs';

async function serve(t, fixture) {
  const root = await copyFixture(fixture);
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  return { root, srv };
}

async function open(t, srv, root, loc, prefix) {
  const key = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, prefix)));
  const page = await openCard(t.browser, srv, { ...loc, key }, { viewport: { width: 1440, height: 900 } });
  t.cleanup(() => page.context().close());
  return page;
}

const state = (page) => page.getByTestId('card-state').innerText().then((s) => s.trim());

test('failing: the leftover runtime card shows its newest data and says it is not final', async (t) => {
  const { root, srv } = await serve(t, 'failing');
  const loc = { flow: 'FailingFlow', run: '1795642652721113', step: 'work', task: '2' };
  const page = await open(t, srv, root, loc, 'blank-live-');
  // The HTML holds "# working" and 0/10; the data JSON on disk, step 6 and 6/10.
  await page.waitForFunction(() => document.querySelector('[data-id="progress"] [data-testid="progress-value"]')?.textContent === '6/10');
  assertEqual(await textOf(page, 'status'), 'working step 6', 'markdown from the data');
  assertEqual(await page.getByTestId('card-pane').getAttribute('data-state'), 'stopped', 'state');
  assertEqual(await state(page), 'not final: its task stopped', 'state label');
  await page.screenshot({ path: path.join(artifacts, 'native-failing-light.png') });
  assertEqual(page.errors, [], 'page errors');
});

test('retry: attempt 0 is left over from a failed attempt, attempt 1 is final', async (t) => {
  const { root, srv } = await serve(t, 'retry');
  const loc = { flow: 'RetryFlow', run: '1795642659547529', step: 'flaky', task: '2' };
  const page = await open(t, srv, root, loc, 'blank-11eff6c9');
  assertEqual(await textOf(page, 'attempt_md'), 'attempt 0', 'attempt 0 card');
  await page.waitForFunction(() => document.querySelector('[data-testid="card-pane"]')?.dataset.state === 'failed-attempt');
  assertEqual(await state(page), 'left over from a failed attempt', 'state label');
  const page2 = await open(t, srv, root, loc, 'blank-19788345');
  assertEqual(await textOf(page2, 'attempt_md'), 'attempt 1 succeeded', 'attempt 1 card');
  assertEqual(await state(page2), 'final', 'final label');
  assertEqual([...page.errors, ...page2.errors], [], 'page errors');
});

test('Metaflow 2.11 cards: every component known, the plain-map DAG drawn', async (t) => {
  const { root, srv } = await serve(t, 'older-2.11.0/components');
  const loc = { flow: 'ComponentsFlow', run: '1795644063424817', step: 'start', task: '1' };
  const page = await open(t, srv, root, loc, 'blank-components-');
  assertEqual(await page.locator('[data-testid="native-view"] .unknown').count(), 0, 'no unknown components');
  assert((await page.locator('[data-testid="native-view"] [data-type="log"]').allInnerTexts()).some((s) => s.includes("ValueError('demo error')")), 'error log without an id');
  const d = await serve(t, 'older-2.11.0/default');
  const dloc = { flow: 'DefaultCardFlow', run: '1795644058262930', step: 'join', task: '4' };
  const page2 = await open(t, d.srv, d.root, dloc, 'default-');
  const steps = await page2.locator('[data-testid="dag"] [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step));
  assertEqual(steps, ['start', 'branch_a', 'branch_b', 'join', 'end'], 'dag steps');
  assertEqual(await page2.locator('[data-testid="dag"] [data-step="start"] .badge').innerText(), 'split', 'split marked');
  assertEqual(await page2.locator('[data-testid="dag"] .step.current').getAttribute('data-step'), 'join', 'current step');
  assertEqual(await page2.locator('[data-testid="dag"] path.edge').count(), 5, 'edges');
  await page2.locator('section[data-section="DAG"]').screenshot({ path: path.join(artifacts, 'native-dag-2.11-light.png') });
  assertEqual([...page.errors, ...page2.errors], [], 'page errors');
});
