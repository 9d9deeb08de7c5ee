// Issue 5: the native view draws every component of fixtures/components
// (and a synthetic card for the types Metaflow 2.19 does not emit there) with
// the values the fixture holds; screenshots of each, light and dark.
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assert, assertEqual, canary, copyFixture, sleep, startServe, test } from './harness.mjs';
import { cardKey, cardsDir, components, decodeCard, findCardFile, openCard, templateCard, textOf } from './native-lib.mjs';

const loc = { flow: 'ComponentsFlow', run: '1795642631175149', step: 'start', task: '1' };
const SYNTH = 'blank-synth-0123456789abcdef0123456789abcdef';

// Types the 2.19 fixture has no instance of, plus the cases the view must
// handle: an unknown type, a remote image, a vertical table, columns, two
// pages, the older plain-map dag (docs/format.md §10).
const synthCard = {
  metadata: { pathspec: 'ComponentsFlow/1795642631175149/start/1' },
  components: [
    { type: 'page', title: 'First page', contents: [
      { type: 'section', title: 'Plain types', subtitle: 'title, subtitle, text, heading', columns: 2, contents: [
        { type: 'title', text: 'A title component' },
        { type: 'subtitle', text: 'A subtitle component' },
        { type: 'text', text: 'A text component\nwith two lines' },
        { type: 'heading', title: 'Heading title', subtitle: 'Heading subtitle' },
      ] },
      { type: 'section', title: 'Odd cases', contents: [
        { type: 'sparkline', id: 'future_type', points: [1, 2, 3] },
        { type: 'image', id: 'remote_image', src: 'http://127.0.0.1:47291/remote.png', label: 'remote' },
        { type: 'table', id: 'vertical_table', columns: ['Name', 'Value'], data: [['alpha', 1], ['beta', 2]], vertical: true },
        { type: 'dag', data: {
          start: { type: 'foreach', box_next: true, box_ends: 'join', next: ['process'], doc: 'Fan out.' },
          process: { type: 'linear', box_next: false, box_ends: null, next: ['join'], doc: '' },
          join: { type: 'join', box_next: false, box_ends: null, next: ['end'], doc: '' },
          end: { type: 'end', box_next: true, box_ends: null, next: [], doc: '' } } },
      ] },
    ] },
    { type: 'page', title: 'Second page', contents: [
      { type: 'markdown', id: 'second_md', source: '# On page two', html: '<h1>On page two</h1>\n' },
      { type: 'markdown', id: 'links_md', source: '[out](http://127.0.0.1:47291/md-link) [in](/api/flows)',
        html: '<p><a href="http://127.0.0.1:47291/md-link">out</a> <a href="/api/flows">in</a></p>\n' },
    ] },
  ],
};

async function setup(t) {
  const root = await copyFixture('components');
  const dir = cardsDir(root, loc.flow, loc.run, loc.step, loc.task);
  const tpl = fs.readFileSync(findCardFile(root, loc, 'blank-components-'), 'utf8');
  fs.writeFileSync(path.join(dir, `${SYNTH}.html`), templateCard(tpl, synthCard, 'final'));
  const srv = await startServe(root);
  t.cleanup(() => srv.stop());
  return { root, srv };
}

const fixtureCard = (root, prefix) => decodeCard(fs.readFileSync(findCardFile(root, loc, prefix), 'utf8')).card;

async function shoot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  const h = await page.evaluate(() => document.querySelector('[data-testid="native-view"]').scrollHeight);
  await page.setViewportSize({ width: 1440, height: Math.min(5000, h + 190) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function checkComponentsCard(page, root) {
  const v = (id) => textOf(page, id);
  // Every component with an id in the fixture (outside collapsed event payloads) is on screen.
  const card = fixtureCard(root, 'blank-components-');
  const payloads = components(card).filter((c) => c.type === 'eventsTimeline').flatMap((tl) => tl.events.flatMap((e) => Object.values(e.payloads)));
  const payloadIds = new Set(components({ components: payloads }).map((c) => c.id));
  for (const c of components(card)) {
    if (!c.id || payloadIds.has(c.id)) continue;
    assert(await page.locator(`[data-testid="native-view"] [data-id="${c.id}"]`).count() > 0, `component ${c.id} (${c.type}) on screen`);
  }
  assertEqual(await page.locator('[data-testid="native-view"] [data-type="invalid"]').count(), 0, 'no invalid components');
  // Values read off the fixture (fixtures/components, blank card "components").
  assertEqual(await page.locator('[data-id="intro"] h1').innerText(), 'All components', 'intro heading');
  assertEqual(await page.locator('[data-id="intro"] em').innerText(), 'markdown', 'intro emphasis');
  assertEqual(await v('markdown_18c926'), 'plain paragraph that does not start with #', 'plain markdown');
  const heads = await page.locator('[data-id="mixed_table"] thead th').allInnerTexts();
  assertEqual(heads, ['col A', 'col B', 'col C'], 'table header');
  const row1 = await page.locator('[data-id="mixed_table"] tbody tr').nth(0).locator(':scope > td').allInnerTexts();
  assertEqual(row1, ['plain string', '42', '3.14'], 'table first row');
  const row2 = page.locator('[data-id="mixed_table"] tbody tr').nth(1);
  assertEqual(await row2.locator('[data-type="markdown"] strong').innerText(), 'md in cell', 'markdown in a cell');
  assertEqual(await row2.locator('[data-type="artifacts"]').innerText(), "{'in': 'cell'}", 'artifacts in a cell');
  assertEqual(await row2.locator('[data-type="image"] figcaption').innerText(), 'tiny', 'image in a cell');
  for (const [id, label] of [['gradient_image', 'gradient.png'], ['updatable_image', 'updatable']]) {
    const img = page.locator(`[data-id="${id}"] img`);
    assert((await img.getAttribute('src')).startsWith('data:image/png;base64,'), `${id} is the data URI`);
    assert(await img.evaluate((el) => el.complete && el.naturalWidth > 0), `${id} decoded`);
    assertEqual(await page.locator(`[data-id="${id}"] figcaption`).innerText(), label, `${id} label`);
  }
  assertEqual(await v('artifact_90fc6e'), "dict_artifact dict {'k': [1, 2, 3], 's': 'x'}", 'dict artifact');
  assert((await v('artifact_67569e')).startsWith('long_list list [ 0, 1, 2,') && (await v('artifact_67569e')).endsWith('98, 99]'), 'long list artifact');
  assertEqual(await v('static_progress'), 'static bar 7/10 items 7 of 10', 'progress bar');
  assertEqual(await page.locator('[data-id="static_progress"] [role="progressbar"]').getAttribute('aria-valuenow'), '7', 'progress value');
  assertEqual(await page.locator('[data-id="static_progress"] .fill').evaluate((el) => el.style.width), '70%', 'progress fill');
  assertEqual(await v('acc_box'), 'ACCURACY 0.93 val set ▲ +2%', 'value box');
  assertEqual(await page.locator('[data-id="acc_box"] .vbox').getAttribute('data-theme-name'), 'success', 'value box theme');
  assertEqual(await v('pythoncode_c5dce9'), 'def f(x): return x * 2', 'python code');
  assertEqual(await page.locator('[data-id="pythoncode_c5dce9"] .tok-kw').first().innerText(), 'def', 'python highlighted');
  assert((await v('jsonviewer_a7aa91')).includes('"debug": true'), 'json viewer');
  await page.locator('[data-id="jsonviewer_a7aa91"] button.toggle').click();
  assert(!(await v('jsonviewer_a7aa91')).includes('debug'), 'json viewer collapses');
  await page.locator('[data-id="jsonviewer_a7aa91"] button.toggle').click();
  assertEqual(await page.locator('[data-id="yamlviewer_d1f9de"] .body').innerText(), 'database:\n  host: localhost\n  port: 5432\n', 'yaml viewer');
  const tl = await v('timeline');
  for (const s of ['Events', '2 of 2 events', '#event_1', 'action: train', 'status: ok', '#event_0', 'action: load', 'rows: 10']) assert(tl.includes(s), `timeline has "${s}": ${tl}`);
  await page.locator('[data-id="timeline"] summary', { hasText: 'note' }).click();
  assertEqual(await page.locator('[data-id="timeline"] .pbody strong').innerText(), 'done', 'timeline payload');
  await page.waitForFunction(() => document.querySelector('[data-id="bar_chart"] [data-testid="vega-chart"]')?.dataset.ready === 'true', null, { timeout: 10000 });
  assertEqual(await page.locator('[data-id="bar_chart"] .mark-rect path').count(), 3, 'three bars');
  assertEqual(await page.locator('[data-id="bar_chart"] .role-axis-label text').evaluateAll((els) => els.map((e) => e.textContent).slice(0, 3)), ['a', 'b', 'c'], 'bar labels');
  assertEqual(await v('logcomponent_f37cfe'), "An Error component ValueError('demo error')", 'failed component log');
  const warn = await v('logcomponent_bd5c54');
  assert(warn.includes("@card WARNING") && warn.includes("`current.card['nope']` is not present"), `warning component: ${warn}`);
  assertEqual(await page.locator('[data-id="logcomponent_bd5c54"] .log.warning').count(), 1, 'warning marked');
  assertEqual([await v('markdown_530b5f'), await v('markdown_9bef7b')], ['extended 1', 'extended 2'], 'extended markdown');
  // Click to enlarge; Escape closes.
  await page.locator('[data-id="gradient_image"] button.open').click();
  await page.getByTestId('lightbox').waitFor();
  assert(await page.locator('[data-testid="lightbox"] img').evaluate((el) => el.getBoundingClientRect().width >= 300), 'lightbox enlarges');
  await page.keyboard.press('Escape');
  await page.getByTestId('lightbox').waitFor({ state: 'detached' });
}

for (const scheme of ['light', 'dark']) {
  test(`components card: every component with its values (${scheme})`, async (t) => {
    const { root, srv } = await setup(t);
    const key = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, 'blank-components-')));
    const page = await openCard(t.browser, srv, { ...loc, key }, { colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    t.cleanup(() => page.context().close());
    assertEqual(await page.getByTestId('card-pane').getAttribute('data-view'), 'native', 'native is the default view');
    await checkComponentsCard(page, root);
    await shoot(page, `native-components-${scheme}`);
    if (scheme === 'light') {
      // The app's theme switch redraws charts in the new colours.
      const label = () => page.locator('[data-id="bar_chart"] .role-axis-label text').first().getAttribute('fill');
      const light = await label();
      await page.getByTestId('theme-toggle').click(); // system -> light
      await page.getByTestId('theme-toggle').click(); // light -> dark
      await page.waitForFunction(() => document.querySelector('[data-id="bar_chart"] [data-testid="vega-chart"]')?.dataset.embeds === '2');
      assert((await label()) !== light, `axis labels change colour with the theme: ${light} -> ${await label()}`);
      await page.getByTestId('theme-toggle').click(); // dark -> system
    }
    // Each top-level component on its own.
    const items = page.locator('[data-testid="native-view"] .page > .cmp');
    const n = await items.count();
    for (let i = 0; i < n; i++) {
      const item = items.nth(i);
      const name = `${await item.getAttribute('data-type')}-${(await item.getAttribute('data-id')) ?? i}`;
      const cmps = item.locator(':scope > section > .items > .cmp');
      const m = await cmps.count();
      for (let j = 0; j < m; j++) {
        const c = cmps.nth(j);
        await c.scrollIntoViewIfNeeded();
        await c.screenshot({ path: path.join(artifacts, `native-cmp-${await c.getAttribute('data-type')}-${await c.getAttribute('data-id')}-${scheme}.png`) });
      }
      if (m === 0) await item.screenshot({ path: path.join(artifacts, `native-cmp-${name}-${scheme}.png`) });
    }
    assertEqual(page.errors, [], 'page errors');
  }, { timeout: 120000 });
}

test('default and unnamed blank cards: the report and the warning', async (t) => {
  const { root, srv } = await setup(t);
  for (const scheme of ['light', 'dark']) {
    const key = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, 'default-extra-')));
    const page = await openCard(t.browser, srv, { ...loc, key }, { colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    const nv = page.getByTestId('native-view');
    assertEqual(await nv.locator('> .inner > .cmp[data-type="title"]').innerText(), 'ComponentsFlow/1795642631175149/start/1', 'default card title');
    assertEqual(await page.getByTestId('page-title').innerText().then((s) => s.toLowerCase()), 'task info', 'page title');
    const sections = await nv.locator('section[data-section] > header h3').allInnerTexts();
    assertEqual(sections, ['Task Metadata', 'Task Code', 'Flow Parameters', 'Artifacts', 'Image Data', 'DAG'], 'default card sections');
    assertEqual(await textOf(page, 'markdown_d0082f'), 'Appended to the default card with id=extra', 'appended markdown');
    const meta = nv.locator('section[data-section="Task Metadata"] table.vertical tr');
    const labels = await meta.locator('th').allInnerTexts();
    assertEqual(labels, ['Task Created On', 'Task Finished On', 'Tags', 'Attempt', 'Task Duration', 'User'], 'metadata rows');
    assertEqual(await meta.nth(0).locator('td').innerText(), '2026-11-25 09:37:11 PM', 'created on');
    assertEqual(await meta.nth(5).locator('td').innerText(), 'tester', 'user');
    assert((await nv.locator('section[data-section="Task Code"] [data-type="pythonCode"]').innerText()).includes('@card(type="blank", id="components"'), 'task code');
    assertEqual(await nv.locator('section[data-section="Flow Parameters"] [data-type="title"]').innerText(), 'No Parameters', 'no parameters');
    assertEqual(await nv.locator('section[data-section="Image Data"] figcaption').innerText(), 'png', 'image data');
    assertEqual(await nv.locator('[data-testid="dag"] [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step)), ['start', 'end'], 'dag steps');
    assertEqual(await nv.locator('[data-testid="dag"] .step.current').getAttribute('data-step'), 'start', 'current step marked');
    await shoot(page, `native-default-${scheme}`);
    // The unnamed blank card: its markdown and the warning only.
    const key2 = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, 'blank-78')));
    await page.evaluate((k) => { location.hash = location.hash.replace(/cards\/.*/, `cards/${k}`); }, key2);
    await page.waitForFunction((k) => document.querySelector('[data-testid="card-pane"]')?.dataset.key === k && document.querySelector('[data-id="markdown_6cb4e5"]'), key2);
    assertEqual(await textOf(page, 'markdown_6cb4e5'), 'Card without id appended via current.card.append', 'blank card markdown');
    assert((await textOf(page, 'logcomponent_c5dc28')).startsWith('WARNING @card WARNING'), 'blank card warning');
    assertEqual(await nv.locator('.cmp').count(), 3, 'blank card shows just its components (section, markdown, log)');
    await shoot(page, `native-blank-${scheme}`);
    assertEqual(page.errors, [], 'page errors');
    await page.context().close();
  }
}, { timeout: 120000 });

test('synthetic card: plain types, unknown type, remote image, vertical table, columns, pages, older dag, links', async (t) => {
  const can = await canary();
  t.cleanup(() => can.close());
  const { srv } = await setup(t);
  for (const scheme of ['light', 'dark']) {
    const key = cardKey(loc.flow, loc.run, loc.step, loc.task, SYNTH);
    const page = await openCard(t.browser, srv, { ...loc, key }, { colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    const nv = page.getByTestId('native-view');
    const tabs = nv.getByRole('tab');
    assertEqual(await tabs.allInnerTexts(), ['First page', 'Second page'], 'page tabs');
    assertEqual(await nv.locator('[data-type="title"] h2').innerText(), 'A title component', 'title');
    assertEqual(await nv.locator('[data-type="subtitle"]').innerText(), 'A subtitle component', 'subtitle');
    assertEqual(await nv.locator('[data-type="text"]').innerText(), 'A text component\nwith two lines', 'text');
    assertEqual((await nv.locator('[data-type="heading"]').innerText()).replace(/\s+/g, ' '), 'Heading title Heading subtitle', 'heading');
    const cols = await nv.locator('section[data-section="Plain types"] > .items').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    assertEqual(cols, 2, 'section columns');
    const unknown = await textOf(page, 'future_type');
    assert(unknown.includes('Unknown component type sparkline') && unknown.includes('"points": [ 1, 2, 3 ]'), `unknown placeholder: ${unknown}`);
    assert((await textOf(page, 'remote_image')).includes('Image not shown'), 'remote image placeholder');
    assertEqual(await nv.locator('[data-id="remote_image"] img').count(), 0, 'no img for a remote source');
    assertEqual(await nv.locator('[data-id="vertical_table"] th').allInnerTexts(), ['Name', 'Value'], 'vertical table labels');
    assertEqual(await nv.locator('[data-id="vertical_table"] tr').nth(0).locator('td').allInnerTexts(), ['alpha', 'beta'], 'vertical table row');
    assertEqual(await nv.locator('[data-testid="dag"] [data-step]').evaluateAll((els) => els.map((e) => [e.dataset.step, e.classList.contains('stacked')])),
      [['start', false], ['process', true], ['join', false], ['end', false]], 'older dag with a foreach body');
    await shoot(page, `native-synthetic-${scheme}`);
    await tabs.nth(1).click();
    assertEqual(await textOf(page, 'second_md'), 'On page two', 'second page');
    // Links: an http(s) one opens in a new tab without an opener (serve
    // mode); one into the app goes nowhere. The app itself never navigates.
    const before = page.url();
    const [popup] = await Promise.all([page.context().waitForEvent('page'), nv.locator('[data-id="links_md"] a', { hasText: 'out' }).click()]);
    await popup.waitForLoadState();
    assertEqual(popup.url(), 'http://127.0.0.1:47291/md-link', 'link opened in a new tab');
    assertEqual(await popup.evaluate(() => window.opener), null, 'no opener');
    await popup.close();
    await nv.locator('[data-id="links_md"] a', { hasText: 'in' }).click();
    await sleep(300);
    assertEqual(page.url(), before, 'the app did not navigate');
    assertEqual(page.context().pages().length, 1, 'no other tab');
    assertEqual(page.errors, [], 'page errors');
    await page.context().close();
  }
}, { timeout: 120000 });

test('the view toggle switches to the original HTML and is remembered', async (t) => {
  const { root, srv } = await setup(t);
  const key = cardKey(loc.flow, loc.run, loc.step, loc.task, path.basename(findCardFile(root, loc, 'blank-components-')));
  const page = await openCard(t.browser, srv, { ...loc, key });
  t.cleanup(() => page.context().close());
  const pane = page.getByTestId('card-pane');
  await page.getByTestId('view-original').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-pane"]')?.dataset.view === 'original');
  assertEqual(await page.getByTestId('native-view').count(), 0, 'native view gone');
  await page.reload();
  await pane.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-pane"]')?.dataset.view === 'original');
  await page.getByTestId('view-native').click();
  await page.getByTestId('native-view').waitFor();
  assertEqual(await page.evaluate(() => localStorage.getItem('flowdeck.cardView')), 'native', 'choice stored');
});
