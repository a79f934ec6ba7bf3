// End-to-end browser test of Wharf: sign in, wait for the notebook server, create a
// Python 3 notebook in the classic Jupyter UI, run `1+1`, check the output, clean up.
//
// Env: WHARF_URL (https://127.0.0.1:8443), WHARF_USER, WHARF_PASSWORD,
//      SCREENSHOT_DIR (default ./screenshots), CHROMIUM (default /usr/bin/chromium),
//      SPAWN_TIMEOUT_MS (default 90000), WHARF_PROFILE (a limit profile to restart the server
//      with from the home page afterwards; none: that step is skipped).
// Exits 0 on success, 1 with a message naming the failed step otherwise.
import { base, user, password, spawnTimeout, harness } from './harness.mjs';

const h = harness('');
const { log, shot, fail, goto } = h;
const userPrefix = `/user/${encodeURIComponent(user)}/`;

function oneLine(text) {
  return String(text || '').replace(/\s+/g, ' ').trim();
}

// Waits until the sign-in redirect chain reaches the notebook tree, or the spawn page
// reports a failure, or the login page reports bad credentials; whichever comes first.
async function waitForTree(page) {
  const treeRe = new RegExp(`${userPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}tree`);
  const deadline = Date.now() + spawnTimeout;
  let lastUrl = '';
  let homeActed = false;
  while (Date.now() < deadline) {
    const url = page.url();
    if (url !== lastUrl) {
      log(`at ${url.replace(base, '')}`);
      lastUrl = url;
    }
    const path = new URL(url).pathname;
    if (treeRe.test(path)) {
      return;
    }
    if (path === '/hub/login' && /[?&]error=/.test(url)) {
      fail(`login rejected (${new URL(url).searchParams.get('error')}): check WHARF_USER and WHARF_PASSWORD`);
    }
    if (path === '/hub/home' && !homeActed) {
      // Wharf sends a user whose last start failed to the home page: restart from there,
      // as a person would, or open the server when it already runs.
      for (const [sel, what] of [['#restart-button', 'restart'], ['#start-button', 'start'], ['#open-link', 'open']]) {
        if (await page.locator(sel).isVisible().catch(() => false)) {
          const why = what === 'restart' ? ` (${oneLine(await page.locator('#server-error-text').textContent())})` : '';
          log(`home page: ${what} the server${why}`);
          homeActed = true;
          await page.click(sel);
          break;
        }
      }
    }
    if (path.startsWith('/hub/spawn-pending/')) {
      const err = await page.locator('#spawn-error:not([hidden]) #spawn-error-text')
        .textContent({ timeout: 200 }).catch(() => null);
      if (err) {
        fail(`spawn page reports a failure: ${oneLine(err)}`);
      }
    }
    await page.waitForTimeout(250);
  }
  fail(`did not reach ${userPrefix}tree within ${spawnTimeout / 1000} s; last page ${page.url()}`);
}

// Starting a container adds a network interface, and Chromium aborts requests in flight when
// it notices (ERR_NETWORK_CHANGED), even to 127.0.0.1. On a shared Docker host any container
// start can do that, so a page that lost some of its requests is loaded again, up to three times.
async function loadWithRetries(page, label, ready) {
  for (let attempt = 1; ; attempt++) {
    const ok = await page.waitForFunction(ready, null, { timeout: 15000, polling: 200 })
      .then(() => true, () => false);
    if (ok) {
      return;
    }
    if (attempt > 3) {
      fail(`the ${label} page never finished loading (see the failed requests above)`);
    }
    log(`the ${label} page did not finish loading; reloading it (attempt ${attempt + 1})`);
    await page.reload({ waitUntil: 'domcontentloaded' });
  }
}

async function main() {
  const browser = await h.launch();
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 860 },
  });
  context.setDefaultTimeout(30000);
  // Failed sub-resources explain most broken pages: log them as they happen.
  // (ERR_ABORTED is the browser cancelling a request itself, on navigation or close.)
  context.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '';
    if (why !== 'net::ERR_ABORTED') {
      log(`request failed: ${r.method()} ${r.url().replace(base, '')} ${why}`);
    }
  });
  context.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) {
      log(`HTTP ${r.status()} for ${r.request().method()} ${r.url().replace(base, '')}`);
    }
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  let nbPage = null;
  try {
    h.step = 'open login page';
    const resp = await goto(page, `${base}/hub/login`);
    if (!resp || resp.status() !== 200) {
      fail(`GET /hub/login answered ${resp ? resp.status() : 'nothing'}`);
    }
    await page.locator('#username').waitFor();
    const token = await page.locator('input[name="X-XSRF-TOKEN"]').inputValue();
    if (!token) {
      fail('login form has no CSRF token (no XSRF-TOKEN cookie was set)');
    }
    await shot(page, 'login');

    h.step = 'sign in';
    await page.fill('#username', user);
    await page.fill('#password', password);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'commit' }),
      page.click('#login-submit'),
    ]);
    await page.waitForLoadState('domcontentloaded');
    await shot(page, 'after-login');

    h.step = 'wait for notebook server';
    await waitForTree(page);
    // Ready means the scripts ran and the kernel list (GET api/kernelspecs) filled the New menu.
    await loadWithRetries(page, 'tree',
      () => window.Jupyter && typeof window.require === 'function'
        && document.querySelector('#new-menu li[id^="kernel-"]'));
    await page.locator('#notebook_list').waitFor();
    await page.waitForLoadState('networkidle').catch(() => {});
    log('notebook tree is up');
    await shot(page, 'tree');

    h.step = 'create notebook (New -> Python 3)';
    await page.click('#new-dropdown-button');
    const kernelItem = page.locator('#new-menu li[id^="kernel-"] a', { hasText: /Python 3/ }).first();
    await kernelItem.waitFor({ state: 'visible' });
    await shot(page, 'new-menu');
    // Chromium aborts navigations in flight with ERR_NETWORK_CHANGED when the host's interfaces
    // change, as they do when Docker attaches a container; such a navigation is made again. The
    // listener is on the context, before the click, as the new page's first navigation can fail
    // before the page is handed to the test.
    let interrupted = null;
    const onFailed = (r) => {
      if (r.isNavigationRequest() && /\/notebooks\/.+\.ipynb/.test(r.url())
        && r.failure() && r.failure().errorText === 'net::ERR_NETWORK_CHANGED') {
        interrupted = r.url();
      }
    };
    context.on('requestfailed', onFailed);
    const [popup] = await Promise.all([
      context.waitForEvent('page', { timeout: 30000 }),
      kernelItem.click(),
    ]);
    nbPage = popup;
    nbPage.on('pageerror', (e) => log(`notebook page error: ${e.message}`));
    for (let attempt = 1; ; attempt++) {
      try {
        await nbPage.waitForURL(/\/notebooks\/.+\.ipynb/, { timeout: 30000 });
        break;
      } catch (e) {
        if (!interrupted && String(e.message).includes('ERR_NETWORK_CHANGED')) {
          // The failed request's event can arrive just after the wait gives up.
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        if (!interrupted || attempt > 3) {
          throw e;
        }
        log(`the notebook's navigation was interrupted by a network change; loading it again (attempt ${attempt + 1})`);
        const url = interrupted;
        interrupted = null;
        await nbPage.goto(url, { waitUntil: 'commit' }).catch(() => {});
      }
    }
    context.off('requestfailed', onFailed);
    log(`notebook opened at ${nbPage.url().replace(base, '')}`);

    h.step = 'wait for kernel';
    await loadWithRetries(nbPage, 'notebook', () => window.Jupyter && window.Jupyter.notebook);
    await nbPage.locator('.cell.code_cell .CodeMirror').first().waitFor();
    await nbPage.waitForFunction(
      () => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
        && Jupyter.notebook.kernel.is_connected(),
      null, { timeout: 60000, polling: 250 });
    log('kernel connected');
    await shot(nbPage, 'notebook');

    h.step = 'run 1+1';
    const cell = nbPage.locator('.cell.code_cell').first();
    await cell.locator('.CodeMirror').click();
    await nbPage.keyboard.type('1+1');
    await nbPage.keyboard.press('Shift+Enter');
    const output = cell.locator('.output_area .output_subarea');
    await output.first().waitFor({ timeout: 30000 });
    const text = (await output.first().innerText()).trim();
    if (text !== '2') {
      fail(`expected output "2", got ${JSON.stringify(text)}`);
    }
    log('cell output is 2');
    await shot(nbPage, 'result');

    h.step = 'clean up notebook';
    const path = decodeURIComponent(new URL(nbPage.url()).pathname.split('/notebooks/')[1]);
    const cleanup = await cleanUp(nbPage, path);
    log(`cleaned up ${path}: ${cleanup.join(', ')}`);
    await nbPage.close();
    nbPage = null;

    if (process.env.WHARF_PROFILE) {
      await restartWithProfile(page, process.env.WHARF_PROFILE);
    }
    await browser.close();
    log('PASS');
    return 0;
  } catch (e) {
    const target = nbPage && !nbPage.isClosed() ? nbPage : page;
    await shot(target, 'failure');
    if (nbPage && !nbPage.isClosed() && nbPage.url().includes('/notebooks/')) {
      // Leave no notebook behind, even when the test failed half way.
      const path = decodeURIComponent(new URL(nbPage.url()).pathname.split('/notebooks/')[1]);
      await cleanUp(nbPage, path).then(
        (out) => log(`cleaned up ${path}: ${out.join(', ')}`),
        (err) => log(`could not clean up ${path}: ${err.message.split('\n')[0]}`));
    }
    await browser.close().catch(() => {});
    throw e;
  }
}

// On the home page: stop the server, choose another limit profile, start it again, and read
// the choice back once the notebook is up.
async function restartWithProfile(page, profile) {
  h.step = 'home page shows the default profile';
  await goto(page, `${base}/hub/home`);
  await page.locator('#stop-button').waitFor({ state: 'visible' });
  const before = oneLine(await page.locator('#server-profile').textContent());
  if (!/memory/.test(before) || before.includes(`(${profile})`)) {
    fail(`the running server's resources read "${before}"`);
  }
  log(`resources: ${before}`);

  h.step = 'stop the server';
  await page.click('#stop-button');
  await page.locator('#start-button').waitFor({ state: 'visible', timeout: 30000 });
  await page.locator('#profile-select').waitFor({ state: 'visible' });
  await shot(page, 'choose-profile');

  h.step = `start with profile ${profile}`;
  await page.selectOption('#profile-select', profile);
  await Promise.all([
    page.waitForURL(/\/hub\/spawn-pending\//, { timeout: 30000 }),
    page.click('#start-button'),
  ]);
  await waitForTree(page);
  log(`notebook is back with profile ${profile}`);

  h.step = 'home page shows the chosen profile';
  await goto(page, `${base}/hub/home`);
  await page.locator('#stop-button').waitFor({ state: 'visible' });
  const after = oneLine(await page.locator('#server-profile').textContent());
  if (!after.includes(`(${profile})`)) {
    fail(`after the restart the resources read "${after}", not profile ${profile}`);
  }
  log(`resources: ${after}`);
  await shot(page, 'profile-chosen');
}

// Shuts the notebook's kernel down and deletes the file through Jupyter's REST API from
// inside the page, so the request carries the page's cookies. Tornado reads the XSRF token
// from the `X-XSRFToken` header and compares it with the `_xsrf` cookie.
async function cleanUp(nbPage, path) {
  const result = await nbPage.evaluate(async ({ prefix, path }) => {
    const m = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    const headers = m ? { 'X-XSRFToken': decodeURIComponent(m[1]) } : {};
    const out = [];
    const sessions = await fetch(`${prefix}api/sessions`, { headers }).then((r) => r.json());
    for (const s of sessions) {
      if (s.path === path || (s.notebook && s.notebook.path === path)) {
        const r = await fetch(`${prefix}api/sessions/${s.id}`, { method: 'DELETE', headers });
        out.push(`session ${r.status}`);
      }
    }
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const r = await fetch(`${prefix}api/contents/${encoded}`, { method: 'DELETE', headers });
    out.push(`contents ${r.status}`);
    return { ok: r.status === 204, out };
  }, { prefix: userPrefix, path });
  if (!result.ok) {
    fail(`DELETE ${userPrefix}api/contents/${path} failed: ${result.out.join(', ')}`);
  }
  // A 500 on the session is Jupyter's own (jupyter_client's shutdown raises InvalidStateError
  // in Debian's 6.4 build); the file is what must go.
  return result.out;
}

h.run(main);
