// Helpers shared by the original-view and security specs (original-*.spec.mjs,
// security-*.spec.mjs) and bench-original.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './harness.mjs';

export { cardKey, cardRoute } from './native-lib.mjs';

/** A fresh file for FLOWDECK_TEST_LOG. */
export async function testLogFile() {
  return path.join(await tmpDir('flowdeck-testlog-'), 'log.jsonl');
}

/** The records of a FLOWDECK_TEST_LOG file. */
export function readTestLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The Playwright Frame of the card frame on screen (data-shown="true"). */
export async function shownFrame(page, timeout = 10000) {
  const el = await page.waitForSelector('[data-testid="card-frame"][data-shown="true"]', { timeout });
  const f = await el.contentFrame();
  if (!f) throw new Error('card frame has no content frame');
  return f;
}

/** Switches the card pane to the original view when it offers a choice. */
export async function showOriginal(page, key = null) {
  await page.waitForFunction((k) => {
    const p = document.querySelector('[data-testid="card-pane"]');
    return !!p && p.getAttribute('data-kind') !== '' && (k === null || p.getAttribute('data-key') === k);
  }, key, { timeout: 10000 });
  const b = page.getByTestId('view-original');
  if (await b.count() && (await b.getAttribute('aria-pressed')) !== 'true') await b.click();
  await page.waitForSelector('[data-testid="original-view"]', { timeout: 10000 });
}

/** Reads data-* attributes of the original view as numbers/strings. */
export async function viewState(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="original-view"]');
    if (!el) return null;
    const d = el.dataset;
    return {
      loads: Number(d.loads), reloads: Number(d.reloads), applied: Number(d.applied), rejected: Number(d.rejected),
      token: d.token, outcome: d.outcome, scripts: d.scripts, policy: d.policy, height: d.height === '' ? null : Number(d.height),
      appliedCreated: d.appliedCreated === '' ? null : Number(d.appliedCreated), frozen: d.frozen === 'true',
      frames: [...document.querySelectorAll('[data-testid="card-frame"]')].map((f) => ({
        gen: Number(f.dataset.gen), shown: f.dataset.shown === 'true', sandbox: f.getAttribute('sandbox'), src: f.getAttribute('src'),
      })),
    };
  });
}
