// Issue 15: parameters in the run list, the run header and the filter; the
// Artifacts tab's value viewer on the artifacts fixture (real Metaflow
// 2.19.38 pickles, one of them hostile), with the artifact kept in the URL.
import fs from 'node:fs';
import { assert, assertEqual, copyFixture, openPage, screenshot, startServe, test } from './harness.mjs';

const FLOW = 'ArtifactsFlow';
const TUNED = '1796418786417171'; // --lr 0.01 --epochs 5 --model_name tuned --flag True
const DEFAULTS = '1796418788573167';
const taskRoute = (run) => `#/flows/${FLOW}/runs/${run}/steps/start/tasks/1`;

async function serve(t) {
  const srv = await startServe(await copyFixture('artifacts'));
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, srv.url);
  t.cleanup(() => page.context().close());
  return { srv, page };
}

test('parameters in the run list, the filter and the run header', async (t) => {
  const { page } = await serve(t);
  await page.getByTestId(`flow-${FLOW}`).click();
  const tuned = page.getByTestId(`run-${TUNED}`);
  await tuned.getByTestId('run-params').waitFor({ timeout: 10000 });
  assertEqual(await tuned.getByTestId('run-params').textContent(), "epochs=5  flag=True  lr=0.01  model_name='tuned'", 'tuned run row');
  assert((await page.getByTestId(`run-${DEFAULTS}`).getByTestId('run-params').textContent()).includes('lr=0.001'), 'defaults row');

  // The flow page's runs table: one column per parameter, sortable as numbers.
  const table = page.getByTestId('run-table');
  await table.getByTestId('sort-param:lr').waitFor({ timeout: 10000 });
  const lrCells = async () =>
    table.locator('[data-testid^="row-"]').evaluateAll((rows) =>
      rows.map((r) => r.querySelector('[data-param-cell="lr"]')?.textContent?.trim()),
    );
  await table.getByTestId('sort-param:lr').click();
  assertEqual(await lrCells(), ['0.001', '0.01'], 'lr column, ascending');
  await table.getByTestId('sort-param:lr').click();
  assertEqual(await lrCells(), ['0.01', '0.001'], 'lr column, descending');

  const filter = page.getByTestId('run-filter');
  await filter.fill('lr=0.01');
  await page.getByTestId(`run-${DEFAULTS}`).waitFor({ state: 'detached', timeout: 5000 });
  assertEqual(await page.locator('[data-testid^="run-"][data-status]').count(), 1, 'rows for lr=0.01');
  await filter.fill('model_name:base');
  await page.getByTestId(`run-${TUNED}`).waitFor({ state: 'detached', timeout: 5000 });
  await page.getByTestId(`run-${DEFAULTS}`).waitFor({ timeout: 5000 });
  await filter.fill('');

  await page.getByTestId(`run-${TUNED}`).click();
  const header = page.getByTestId('run-parameters');
  await header.waitFor({ timeout: 10000 });
  assertEqual(await header.locator('[data-param="lr"]').textContent(), 'lr=0.01', 'header lr');
  assertEqual(await header.locator('[data-param="flag"]').textContent(), 'flag=True', 'header flag');
  assertEqual(page.errors, [], 'page errors');
});

test('the Artifacts tab opens values, keeps them in the URL and copies JSON', async (t) => {
  const { srv, page } = await serve(t);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.origin });
  await page.goto(srv.url + taskRoute(TUNED));
  await page.getByTestId('tab-artifacts').click();
  const row = page.getByTestId('artifact-float_value');
  await row.waitFor({ timeout: 10000 });
  assert((await row.textContent()).includes('0.0684'), 'preview of float_value');

  // A dict: a tree, open at the first level.
  await page.getByTestId('artifact-dict_value').getByRole('button').click();
  const viewer = page.locator('[data-testid="artifact-viewer"][data-artifact="dict_value"]');
  await viewer.locator('[data-kind="dict"]').first().waitFor({ timeout: 10000 });
  assert(page.url().endsWith(`${taskRoute(TUNED)}/artifacts/dict_value`), `URL keeps the artifact: ${page.url()}`);
  const text = await viewer.getByTestId('artifact-value').textContent();
  for (const part of ['"a"', '"b"', 'int key', 'tuple key']) assert(text.includes(part), `dict shows ${part}: ${text}`);
  // Expand "b" ([1, 2, {"c": None}]) with the keyboard.
  await viewer.getByRole('button', { name: 'Expand "b"' }).focus();
  await page.keyboard.press('Enter');
  await viewer.getByRole('button', { name: 'Expand 2' }).waitFor({ timeout: 5000 });

  await viewer.getByTestId('copy-json').click();
  await page.waitForFunction(() => navigator.clipboard.readText().then((s) => s.includes('"int key"')), null, { timeout: 5000 });
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assertEqual(copied.a, 1, 'copied a');
  assertEqual(JSON.stringify(copied.b), '[1,2,{"c":null}]', 'copied b');
  assertEqual(copied['(1, 2)'], 'tuple key', 'copied tuple key');

  // A reload opens the same artifact.
  await page.reload();
  await page.locator('[data-testid="artifact-viewer"][data-artifact="dict_value"] [data-kind="dict"]').first().waitFor({ timeout: 10000 });

  // A long string: monospace, with its length.
  await page.getByTestId('artifact-long_text').getByRole('button').click();
  const str = page.locator('[data-testid="artifact-viewer"][data-artifact="long_text"]');
  await str.locator('[data-kind="str"]').waitFor({ timeout: 10000 });
  assert((await str.textContent()).includes('200,000 chars'), 'string length');

  // A DataFrame: a table with its columns.
  await page.getByTestId('artifact-df').getByRole('button').click();
  const df = page.locator('[data-testid="artifact-viewer"][data-artifact="df"]');
  await df.getByTestId('value-table').waitFor({ timeout: 10000 });
  const heads = await df.locator('th').allTextContents();
  assert(heads.some((h) => h.startsWith('epoch')) && heads.some((h) => h.startsWith('loss')), `DataFrame columns: ${heads}`);
  await screenshot(page, 'artifacts-dataframe');

  // The hostile pickle is refused where the user looks, and never ran.
  await page.getByTestId('artifact-hostile').getByRole('button').click();
  const hostile = page.locator('[data-testid="artifact-viewer"][data-artifact="hostile"]');
  await hostile.getByRole('alert').waitFor({ timeout: 10000 });
  assert(!fs.existsSync('/tmp/flowdeck-pickle-was-executed'), 'the hostile pickle ran');

  await page.getByTestId('artifact-nested').getByRole('button').click();
  await page.locator('[data-testid="artifact-viewer"][data-artifact="nested"] [data-kind="dict"]').first().waitFor({ timeout: 10000 });
  await screenshot(page, 'artifacts-viewer');
  assertEqual(page.errors, [], 'page errors');
});
