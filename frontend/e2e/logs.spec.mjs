// Task logs with ANSI escapes (coloured loggers, progress bars): colours are
// rendered as spans, every other escape is removed, and the log's text
// never becomes markup. The escapes are written into a copy of a real
// fixture's stdout, in Metaflow's mflog line format.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { assert, assertEqual, copyFixture, openPage, startServe, test } from './harness.mjs';

const E = '\x1b';
const line = (text) => `[MFLOG|0|2026-11-25T21:37:38.000000Z|task|00000000-0000-0000-0000-000000000001]${text}\n`;

test('a log with ANSI colours shows coloured text, no escapes and no markup', async (t) => {
  const root = await copyFixture('failing');
  const log = path.join(root, 'FailingFlow', '1795642652721113', 'start', '1', '0.runtime_stdout.log');
  await fsp.writeFile(
    log,
    line(`${E}[1;31mERROR${E}[0m training diverged`) +
      line(`${E}]0;window title${E}\\${E}[32m<img src=x onerror="window.__pwned=1">${E}[0m done`) +
      line(`${E}[38;5;196mred256${E}[39m ${E}[2K${E}[1Aplain`),
  );
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const page = await openPage(t.browser, `${srv.url}#/flows/FailingFlow/runs/1795642652721113/steps/start/tasks/1/logs/stdout`);
  t.cleanup(() => page.context().close());
  const text = page.getByTestId('log-text');
  await text.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="log-text"]')?.textContent?.includes('plain'));
  assertEqual(
    await text.innerText(),
    'ERROR training diverged\n<img src=x onerror="window.__pwned=1"> done\nred256 plain',
    'the text without escapes',
  );
  const spans = await text.locator('span').evaluateAll((els) =>
    els.map((e) => ({ text: e.textContent, cls: e.className, color: getComputedStyle(e).color, weight: getComputedStyle(e).fontWeight })),
  );
  const error = spans.find((s) => s.text === 'ERROR');
  assert(error && /ansi-fg-1/.test(error.cls) && /ansi-bold/.test(error.cls), `ERROR is bold red: ${JSON.stringify(spans)}`);
  assert(Number(error.weight) >= 600, `ERROR is bold: ${error.weight}`);
  const plainColor = spans.find((s) => s.text?.includes('training diverged'))?.color;
  assert(error.color !== plainColor, `ERROR has its own colour (${error.color} vs ${plainColor})`);
  const red256 = spans.find((s) => s.text === 'red256');
  assertEqual(red256?.color, 'rgb(255, 0, 0)', '256-colour red');
  assertEqual(await text.locator('img').count(), 0, 'no element from the log');
  assertEqual(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  assertEqual(page.errors, [], 'page errors');
});
