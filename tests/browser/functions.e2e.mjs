// Browser test of the Functions page: the user signs in (which starts her notebook server), writes
// functions/stats/main.py through the proxied Jupyter contents API, publishes that folder on
// /hub/functions, creates a key there (shown once), calls the function through Wharf with the key,
// sees the calls listed with their status and the container's log tail, changes main.py and
// republishes it with Edit (a second version is listed and the new command answers), revokes the
// key (a call with it is then refused), deletes the function and the folder.
//
// Env: WHARF_URL (https://127.0.0.1:8443), WHARF_USER, WHARF_PASSWORD,
//      SCREENSHOT_DIR (default ./screenshots; files are named functions-NN-*.png),
//      CHROMIUM (default /usr/bin/chromium), SPAWN_TIMEOUT_MS (default 90000).
// Exits 0 on success, 1 with a message naming the failed step otherwise.
import { base, user, password, spawnTimeout, harness } from './harness.mjs';

const h = harness('functions-');
const { log, shot, fail, goto } = h;
const userPrefix = `/user/${encodeURIComponent(user)}/`;
const fnName = 'stats';
const mainPy = [
  'def mean(xs: list) -> float:',
  '    return sum(xs) / len(xs)',
  '',
  '',
  'def fib(n):',
  '    n = int(n)',
  '    return n if n < 2 else fib(n - 1) + fib(n - 2)',
  '',
  '',
  'print("stats loaded", flush=True)',
  '',
].join('\n');

// Signing in starts the user's server and goes through its progress page to the notebook.
async function waitForNotebook(page) {
  const deadline = Date.now() + spawnTimeout;
  let acted = false;
  while (Date.now() < deadline) {
    const path = new URL(page.url()).pathname;
    if (path.startsWith(userPrefix)) {
      return;
    }
    if (path === '/hub/home' && !acted) {
      for (const sel of ['#restart-button', '#start-button', '#open-link']) {
        if (await page.locator(sel).isVisible().catch(() => false)) {
          acted = true;
          await page.click(sel);
          break;
        }
      }
    }
    await page.waitForTimeout(250);
  }
  fail(`the notebook did not open within ${spawnTimeout / 1000} s; last page ${page.url()}`);
}

// Jupyter's contents API from inside the notebook page, so the request carries its cookies;
// Tornado compares the X-XSRFToken header with the _xsrf cookie.
async function contents(nbPage, method, path, body) {
  return nbPage.evaluate(async ({ prefix, method, path, body }) => {
    const m = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    const headers = { 'Content-Type': 'application/json' };
    if (m) {
      headers['X-XSRFToken'] = decodeURIComponent(m[1]);
    }
    const r = await fetch(`${prefix}api/contents/${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return r.status;
  }, { prefix: userPrefix, method, path, body });
}

// A caller of the function: no cookie, only the key.
async function call(request, method, path, key, body) {
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  const r = await request.fetch(`${base}/fn/${encodeURIComponent(user)}/${fnName}/${path}`, {
    method, headers, data: body, ignoreHTTPSErrors: true, timeout: 120000,
  });
  return { status: r.status(), body: await r.text() };
}

async function main() {
  const browser = await h.launch();
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  page.on('dialog', (d) => { log(`confirm: ${d.message()}`); d.accept(); });
  const caller = await (await h.launch()).newContext({ ignoreHTTPSErrors: true });
  try {
    h.step = 'sign in and open the notebook';
    await goto(page, `${base}/hub/login`);
    await page.fill('#username', user);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'commit' }), page.click('#login-submit')]);
    await waitForNotebook(page);
    await page.waitForLoadState('domcontentloaded');
    log(`notebook at ${page.url().replace(base, '')}`);
    // The notebook stays open in a tab of its own: Jupyter's _xsrf cookie is scoped to its path.
    const nb = await context.newPage();
    nb.on('pageerror', () => {});
    await goto(nb, `${base}${userPrefix}tree`);

    h.step = 'write functions/stats/main.py through the contents API';
    for (const dir of ['functions', `functions/${fnName}`]) {
      const s = await contents(nb, 'PUT', dir, { type: 'directory' });
      if (s !== 200 && s !== 201) {
        fail(`PUT ${dir} (directory) answered ${s}`);
      }
    }
    const written = await contents(nb, 'PUT', `functions/${fnName}/main.py`, { type: 'file', format: 'text', content: mainPy });
    if (written !== 200 && written !== 201) {
      fail(`PUT functions/${fnName}/main.py answered ${written}`);
    }
    log('main.py written');

    h.step = 'the Functions page is linked from the home page';
    await goto(page, `${base}/hub/home`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('nav a[href="/hub/functions"]')]);
    await page.locator('#functions-empty').waitFor({ state: 'attached' });
    await shot(page, 'empty');

    h.step = 'publish';
    await page.fill('#fn-name', fnName);
    await page.fill('#fn-path', `functions/${fnName}`);
    await page.fill('#fn-timeout', '60');
    await page.fill('#fn-max', '2');
    await page.click('#publish-button');
    await page.waitForFunction(() => !document.getElementById('fn-error').hidden
      || document.getElementById('publish-status').textContent.startsWith('Published'), null, { timeout: 120000, polling: 200 });
    if (await page.locator('#fn-error').isVisible()) {
      await shot(page, 'publish-failed');
      fail(`the page reports: ${await page.locator('#fn-error').textContent()}`);
    }
    await page.locator(`#functions-body tr[data-function="${fnName}"]`).waitFor();
    await page.locator('#versions-body tr').first().waitFor();
    await shot(page, 'published');

    h.step = 'create a key';
    await page.fill('#key-note', 'e2e caller');
    await page.click('#key-create');
    await page.locator('#key-shown').waitFor({ state: 'visible' });
    const key = await page.inputValue('#key-value');
    if (!/^wfk_[0-9a-f]+$/.test(key)) {
      fail(`the key shown is not a key: ${key}`);
    }
    await page.locator('#keys-body tr', { hasText: 'e2e caller' }).waitFor();
    await shot(page, 'key-created');

    h.step = 'call the function through Wharf with the key';
    const mean = await call(caller.request, 'POST', 'mean', key, { xs: [1, 2, 3] });
    if (mean.status !== 200 || JSON.parse(mean.body).result !== 2) {
      fail(`POST mean answered ${mean.status} ${mean.body}`);
    }
    const fib = await call(caller.request, 'GET', 'fib/20', key);
    if (fib.status !== 200 || JSON.parse(fib.body).result !== 6765) {
      fail(`GET fib/20 answered ${fib.status} ${fib.body}`);
    }
    const missing = await call(caller.request, 'POST', 'nope', key, {});
    log(`mean ${mean.body}, fib/20 ${fib.body}, nope ${missing.status}`);
    const noKey = await call(caller.request, 'POST', 'mean', null, { xs: [1] });
    if (noKey.status !== 401) {
      fail(`a call without a key answered ${noKey.status}`);
    }

    h.step = 'the calls are listed on the page';
    await page.waitForFunction(() => document.querySelectorAll('#invocations-body tr').length >= 3, null, { timeout: 15000 });
    const statuses = await page.locator('#invocations-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.status));
    log(`invocations listed: ${statuses.join(', ')}`);
    if (statuses[0] !== String(missing.status) || statuses[1] !== '200' || statuses[2] !== '200') {
      fail(`expected the calls newest first (${missing.status}, 200, 200), saw ${statuses.join(', ')}`);
    }
    await page.locator('#logs pre.log', { hasText: 'stats loaded' }).first().waitFor({ timeout: 15000 });
    await shot(page, 'invocations-and-logs');

    h.step = 'republish a changed folder';
    const changed = await contents(nb, 'PUT', `functions/${fnName}/main.py`,
      { type: 'file', format: 'text', content: `${mainPy}\n\ndef total(xs: list) -> float:\n    return sum(xs)\n` });
    if (changed !== 200 && changed !== 201) {
      fail(`changing main.py answered ${changed}`);
    }
    await page.locator(`#functions-body tr[data-function="${fnName}"] button[data-action="edit"]`).click();
    if (await page.inputValue('#fn-path') !== `functions/${fnName}` || await page.inputValue('#fn-timeout') !== '60') {
      fail('Edit did not fill the form with the function\'s settings');
    }
    await page.click('#publish-button');
    await page.waitForFunction(() => document.querySelectorAll('#versions-body tr').length === 2, null, { timeout: 120000 });
    // The old version serves until a container of the new one is ready: the new command may
    // answer 404 for a moment.
    let total = await call(caller.request, 'POST', 'total', key, { xs: [1, 2, 3] });
    for (let i = 0; i < 60 && total.status === 404; i++) {
      await page.waitForTimeout(500);
      total = await call(caller.request, 'POST', 'total', key, { xs: [1, 2, 3] });
    }
    if (total.status !== 200 || JSON.parse(total.body).result !== 6) {
      fail(`POST total on the new version answered ${total.status} ${total.body}`);
    }
    log(`republished: two versions listed, total ${total.body}`);
    await shot(page, 'republished');

    h.step = 'revoke the key';
    await page.locator('#keys-body button[data-action="revoke"]').first().click();
    await page.locator('#keys-empty').waitFor({ state: 'visible' });
    const revoked = await call(caller.request, 'POST', 'mean', key, { xs: [1] });
    if (revoked.status !== 403) {
      fail(`a call with the revoked key answered ${revoked.status}`);
    }
    await shot(page, 'key-revoked');

    h.step = 'delete the function';
    await page.locator(`#functions-body tr[data-function="${fnName}"] button[data-action="delete"]`).click();
    await page.locator('#functions-empty').waitFor({ state: 'visible' });
    const gone = await call(caller.request, 'POST', 'mean', key, { xs: [1] });
    log(`after delete: ${gone.status}`);
    await shot(page, 'deleted');

    h.step = 'remove the folder';
    for (const p of [`functions/${fnName}/main.py`, `functions/${fnName}`]) {
      const s = await contents(nb, 'DELETE', p);
      if (s !== 204) {
        log(`DELETE ${p} answered ${s}`);
      }
    }
    log('functions page: passed');
  } finally {
    await caller.browser().close().catch(() => {});
    await browser.close().catch(() => {});
  }
}

h.run(main);
