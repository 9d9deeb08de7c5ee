// Issue 12, point 1: with --allow-remote, a page on another port of the same
// host (run here by the test itself) cannot change anything, and the browser
// holds no credential that a request to another port would carry: the
// form POST and the fetch from the other origin are refused, the app's
// datastore stays, and a link click to another port carries no cookie.
import http from 'node:http';
import { assert, assertEqual, copyFixture, sleep, startServe, test } from './harness.mjs';
import { readTestLog, testLogFile } from './original-helpers.mjs';

const RUN = '1795642761955764';

/** A server on a free loopback port; records each request's method, path and Cookie header. */
async function listen(handler = (req, res) => res.end('ok'), port = 0) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, cookie: req.headers.cookie ?? null });
    handler(req, res);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return { seen, origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

// The attack page: a text/plain form that posts JSON-looking bodies (with
// and without the secret, in case it ever leaks), and no-cors fetches.
function attackPage(app, token) {
  const form = (id, action) => `<form id="${id}" method="POST" enctype="text/plain" action="${action}" target="sink-${id}">` +
    `<input name='{"demo":true,"x":"' value='"}'></form><iframe name="sink-${id}"></iframe>`;
  return `<!doctype html><title>attack</title><body>
${form('f1', `${app}/api/open`)}
${form('f2', `${app}/api/open?token=${token}`)}
${form('f3', `${app}/api/runs/HostileFlow/${RUN}/reload?token=${token}`)}
<script>
const out = [];
document.getElementById('f1').submit();
document.getElementById('f2').submit();
document.getElementById('f3').submit();
Promise.allSettled([
  fetch('${app}/api/open?token=${token}', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"demo":true}' }),
  fetch('${app}/api/runs/HostileFlow/${RUN}/reload', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }),
  fetch('${app}/api/flows?token=${token}', { credentials: 'include' }).then((r) => r.text()),
]).then((rs) => { window.__results = rs.map((r) => r.status + ':' + (r.reason ?? typeof r.value)); document.title = 'done'; });
</script>`;
}

test('another port of the same host: form POST, fetch and link click get nothing', async (t) => {
  const root = await copyFixture('hostile');
  const log = await testLogFile();
  const srv = await startServe(root, ['--allow-remote'], { FLOWDECK_TEST_LOG: log });
  t.cleanup(() => srv.stop());
  // The token is in the printed URL's fragment: no request carries it.
  const token = (/#token=([0-9a-f]+)$/.exec(srv.url) ?? [])[1];
  assert(token, `printed URL carries the token in its fragment: ${srv.url}`);
  // --allow-remote serves HTTPS with a certificate made for the session.
  assert(srv.url.startsWith('https://'), `HTTPS: ${srv.url}`);
  const ctx0 = await t.browser.newContext({ ignoreHTTPSErrors: true });
  t.cleanup(() => ctx0.close());
  const page = await ctx0.newPage();
  page.errors = [];
  await page.goto(srv.url);
  await page.waitForFunction(() => document.body.innerText.includes('HostileFlow'), null, { timeout: 15000 });
  assertEqual(new URL(page.url()).hash, '#/', 'the fragment token left the address bar');
  // A reload keeps working (the tab keeps the token).
  await page.reload();
  await page.waitForFunction(() => document.body.innerText.includes('HostileFlow'), null, { timeout: 15000 });
  const ctx = page.context();
  assertEqual(await ctx.cookies(), [], 'cookies the app set');

  const evil = await listen((req, res) => { res.setHeader('Content-Type', 'text/html'); res.end(attackPage(srv.origin, token)); });
  t.cleanup(() => evil.close());
  const other = await ctx.newPage();
  await other.goto(evil.origin + '/');
  await other.waitForFunction(() => document.title === 'done', null, { timeout: 10000 });
  await sleep(500); // the forms' posts land in their frames
  const results = await other.evaluate(() => window.__results);
  assert(results[2].startsWith('rejected:'), `the cross-origin read fails: ${results}`);

  // The page's own requests carried the secret in a header only: no request
  // line held it (the event stream runs over fetch with the header).
  const own = readTestLog(log).filter((r) => r.kind === 'http' && r.path.startsWith('/api/') && !r.origin?.includes(evil.origin));
  assert(own.some((r) => r.path === '/api/events' && r.auth), `the event stream connected: ${JSON.stringify(own.filter((r) => r.path === '/api/events'))}`);
  assertEqual(own.filter((r) => (r.query ?? '').includes('token')), [], 'requests with the secret in their URL');

  // Every request from the other origin that would change something was
  // refused; the app still shows its own datastore, not a demo.
  // (The app's own page reports to the test log from its own origin; those
  // are not the attack's.)
  const posts = readTestLog(log).filter(
    (r) => r.kind === 'http' && r.method === 'POST' && !(r.path === '/api/test/log' && r.origin?.[0] === srv.origin),
  );
  assertEqual(posts.length, 5, `POSTs that reached the server: ${JSON.stringify(posts)}`);
  for (const p of posts) {
    assertEqual(p.origin, [evil.origin], `origin of ${p.path}`);
    assert(p.status === 403 || p.status === 401, `${p.path} refused: ${p.status}`);
  }
  const st = await page.evaluate(async (tok) => (await fetch('/api/datastore', { headers: { 'X-Flowdeck-Token': tok } })).json(), token);
  assertEqual([st.demo, st.root], [false, root], 'datastore after the attack');

  // A link to another port (as a card or markdown could hold) carries no
  // cookie: the browser has none for this host.
  const link = await listen();
  t.cleanup(() => link.close());
  await page.evaluate((href) => {
    const a = document.createElement('a');
    a.href = href; a.target = '_blank'; a.textContent = 'elsewhere'; a.id = 'test-link';
    document.body.append(a);
  }, link.origin + '/clicked');
  const [popup] = await Promise.all([ctx.waitForEvent('page'), page.click('#test-link')]);
  await popup.waitForLoadState();
  assertEqual(link.seen.map((r) => [r.url, r.cookie]).filter(([u]) => u === '/clicked'), [['/clicked', null]], 'cookie sent to the other port');
  assertEqual(await ctx.cookies(), [], 'cookies after the attack');
}, { timeout: 60000 });
