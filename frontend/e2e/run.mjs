// Runs every browser test: node frontend/e2e/run.mjs [filter]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, setFile, tests } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] || '';
for (const f of fs.readdirSync(here).filter((f) => f.endsWith('.spec.mjs')).sort()) {
  setFile(f);
  await import(pathToFileURL(path.join(here, f)).href);
}
const browser = await launch();
let failed = 0, passed = 0;
for (const t of tests()) {
  if (filter && !`${t.file} ${t.name}`.includes(filter)) continue;
  const started = Date.now();
  const cleanups = [];
  try {
    await Promise.race([
      t.fn({ browser, cleanup: (fn) => cleanups.push(fn) }),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), t.timeout ?? 120000)),
    ]);
    passed++;
    console.log(`ok   ${t.file} > ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.file} > ${t.name}: ${e.stack || e}`);
  } finally {
    for (const fn of cleanups.reverse()) { try { await fn(); } catch (e) { console.log(`cleanup: ${e}`); } }
  }
}
await browser.close();
console.log(`browser tests: ${passed} passed, ${failed} failed`);
if (passed === 0 && failed === 0) { console.log('no browser test ran'); process.exit(1); }
process.exit(failed ? 1 : 0);
