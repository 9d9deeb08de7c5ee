// Issue 5: a table of 10,000 rows does not freeze the pane: only a screenful
// of rows is in the DOM, it opens fast, scrolls smoothly to the last row, and
// its columns keep their widths.
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assert, assertEqual, copyFixture, startServe, test } from './harness.mjs';
import { cardKey, cardsDir, findCardFile, openCard, templateCard } from './native-lib.mjs';

const loc = { flow: 'ComponentsFlow', run: '1795642631175149', step: 'start', task: '1' };
const NAME = 'blank-bigtable-fedcba9876543210fedcba9876543210';
export const ROWS = 10000;

export function bigTableCard() {
  const data = [];
  for (let i = 0; i < ROWS; i++) data.push([i, `row ${i}`, Math.round(Math.sin(i) * 1e6) / 1e6, i % 7 === 0 ? 'lucky' : '', i % 2 === 0]);
  return {
    metadata: { pathspec: 'ComponentsFlow/1795642631175149/start/1' },
    components: [{ type: 'page', title: 'Big table', contents: [{ type: 'section', title: 'Ten thousand rows', contents: [
      { type: 'table', id: 'big', columns: ['index', 'name', 'sin', 'tag', 'even'], data, vertical: false },
    ] }] }],
  };
}

test('10,000-row table: virtualized, opens fast, scrolls smoothly to the end', async (t) => {
  const root = await copyFixture('components');
  const tpl = fs.readFileSync(findCardFile(root, loc, 'blank-components-'), 'utf8');
  fs.writeFileSync(path.join(cardsDir(root, loc.flow, loc.run, loc.step, loc.task), `${NAME}.html`), templateCard(tpl, bigTableCard(), 'final'));
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  const key = cardKey(loc.flow, loc.run, loc.step, loc.task, NAME);
  const page = await openCard(t.browser, srv, { ...loc, key }, { viewport: { width: 1440, height: 900 } });
  t.cleanup(() => page.context().close());
  const table = page.getByTestId('virtual-table');
  await table.waitFor();
  assertEqual(await table.getAttribute('data-rows'), String(ROWS), 'rows in the table');
  const domRows = await table.locator('tbody tr[data-row]').count();
  assert(domRows > 5 && domRows < 120, `rows in the DOM: ${domRows}`);
  assertEqual(await table.locator('tbody tr[data-row="0"] td').allInnerTexts(), ['0', 'row 0', '0', 'lucky', 'true'], 'first row');
  const widths = () => table.locator('thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
  const w0 = await widths();
  // Scroll with the mouse wheel, as a person does, and record the frame gaps.
  const box = await table.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (now) => { window.__gaps.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 80; i++) {
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(16);
  }
  const frames = await page.evaluate(() => { window.__stop = true; return window.__gaps.slice(2); });
  const top = await table.evaluate((el) => el.scrollTop);
  assert(top > 10000, `wheel scrolled ${top}px`);
  frames.sort((a, b) => a - b);
  const p95 = frames[Math.floor(frames.length * 0.95)];
  console.log(`     wheel scroll over ${top}px: ${frames.length} frames, p50 ${frames[frames.length >> 1].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${frames[frames.length - 1].toFixed(1)} ms`);
  assert(p95 < 50, `scroll frame p95 ${p95} ms`);
  // Jump to the end (End key, scrollbar drag): the last rows are there at once.
  const jump = await table.evaluate(async (sc) => {
    const t0 = performance.now();
    sc.scrollTop = sc.scrollHeight;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      if (sc.querySelector(`tr[data-row="${sc.dataset.rows - 1}"]`)) return performance.now() - t0;
    }
  });
  console.log(`     jump to row ${ROWS - 1}: ${jump.toFixed(1)} ms`);
  assert(jump < 200, `jump to the end took ${jump} ms`);
  await page.locator(`[data-testid="virtual-table"] tr[data-row="${ROWS - 1}"]`).waitFor();
  assertEqual(await table.locator(`tr[data-row="${ROWS - 1}"] td`).nth(1).innerText(), `row ${ROWS - 1}`, 'last row on screen');
  assert((await table.locator(`tr[data-row="${ROWS - 1}"]`).boundingBox()).y < 900, 'last row in view');
  assertEqual(await widths(), w0, 'column widths kept while scrolling');
  assert((await table.locator('tbody tr[data-row]').count()) < 120, 'still a screenful of rows');
  await page.screenshot({ path: path.join(artifacts, 'native-table-10000-end.png') });
  assertEqual(page.errors, [], 'page errors');
}, { timeout: 90000 });
