// Browser test of the admin page and the token page: an admin signs in, sees /hub/admin refresh
// every 3 s, adds a user there, starts and stops that user's server from there, filters the list; the new user,
// not an admin, gets the 403 page; the admin creates a token on /hub/token (checked against the
// API, then revoked and checked again), and finally deletes the user.
//
// Env: WHARF_URL (https://127.0.0.1:8443), WHARF_USER (an admin), WHARF_PASSWORD,
//      SCREENSHOT_DIR (default ./screenshots; files are named admin-NN-*.png),
//      CHROMIUM (default /usr/bin/chromium), SPAWN_TIMEOUT_MS (default 90000).
// Exits 0 on success, 1 with a message naming the failed step otherwise.
import { base, user as admin, password, spawnTimeout, harness } from './harness.mjs';

const h = harness('admin-');
const { log, shot, fail, goto } = h;
const newUser = `e2e-${Date.now().toString(36)}`;

// The state cell of the user's default server (the page refreshes it every few seconds).
function stateOf(page, name) {
  return page.locator(`#users-body tr[data-user="${name}"][data-server=""] .status`);
}

// The API as a JupyterHub client calls it, with a token and no cookie.
async function whoIsToken(request, token) {
  const r = await request.fetch(`${base}/hub/api/user`, { headers: { Authorization: `token ${token}` }, ignoreHTTPSErrors: true });
  return { status: r.status(), name: r.ok() ? (await r.json()).name : null };
}

async function main() {
  const browser = await h.launch();
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(30000);
  context.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '';
    if (why !== 'net::ERR_ABORTED') {
      log(`request failed: ${r.method()} ${r.url().replace(base, '')} ${why}`);
    }
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  // Deleting a user and revoking a token ask for a confirmation first.
  page.on('dialog', (d) => { log(`confirm: ${d.message()}`); d.accept(); });
  try {
    h.step = 'sign in';
    await goto(page, `${base}/hub/login`);
    await page.fill('#username', admin);
    await page.fill('#password', password);
    // Signing in starts the admin's own server and shows its progress; the admin page is a link away.
    await Promise.all([page.waitForNavigation({ waitUntil: 'commit' }), page.click('#login-submit')]);
    if (new URL(page.url()).searchParams.get('error')) {
      fail(`login rejected: ${page.url()}`);
    }
    await goto(page, `${base}/hub/admin`);

    h.step = 'admin page lists users and instances';
    await page.locator(`#users-body tr[data-user="${admin}"]`).first().waitFor();
    await page.locator('#instances-body tr').first().waitFor();
    const instances = await page.locator('#instances-body tr').count();
    const leaders = await page.locator('#instances-body td', { hasText: /^leader$/ }).count();
    log(`${instances} instance(s), ${leaders} leader`);
    if (leaders !== 1) {
      fail(`expected one leader among the instances, saw ${leaders}`);
    }
    await shot(page, 'admin');

    h.step = 'the page refreshes every 3 s';
    // What the README says: the lists are read again every 3 s while the page is shown.
    const reads = [];
    const onRequest = (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/hub/api/instances') {
        reads.push(Date.now());
      }
    };
    page.on('request', onRequest);
    await page.waitForTimeout(7500);
    page.off('request', onRequest);
    const gaps = reads.slice(1).map((t, i) => t - reads[i]);
    log(`instances read ${reads.length} times in 7.5 s, ${gaps.join(' ms, ')} ms apart`);
    if (reads.length < 2 || gaps.some((gap) => gap < 2500 || gap > 4500)) {
      fail(`expected a read every 3 s, saw ${reads.length} reads ${gaps.join(', ')} ms apart`);
    }

    h.step = `add user ${newUser}`;
    await page.click('#add-users summary');
    await page.fill('#new-usernames', newUser);
    await page.fill('#new-password', 'e2e-password-123');
    await page.click('#add-users-button');
    await page.locator('#add-users-result', { hasText: `Added ${newUser}.` }).waitFor();
    await stateOf(page, newUser).waitFor();
    await shot(page, 'user-added');

    h.step = 'filter';
    await page.fill('#user-filter', newUser);
    await page.waitForFunction((name) => {
      const rows = [...document.querySelectorAll('#users-body tr')];
      return rows.length > 0 && rows.every((r) => r.dataset.user === name);
    }, newUser);
    await shot(page, 'filtered');

    h.step = `start ${newUser}'s server`;
    await page.locator(`#users-body tr[data-user="${newUser}"][data-server=""] button[data-action="start"]`).click();
    await page.waitForFunction((name) => {
      const s = document.querySelector(`#users-body tr[data-user="${name}"][data-server=""] .status`);
      return s && s.textContent === 'Running';
    }, newUser, { timeout: spawnTimeout, polling: 250 });
    log(`${newUser}'s server runs`);
    await shot(page, 'started');

    h.step = `stop ${newUser}'s server`;
    await page.locator(`#users-body tr[data-user="${newUser}"][data-server=""] button[data-action="stop"]`).click();
    await page.waitForFunction((name) => {
      const s = document.querySelector(`#users-body tr[data-user="${name}"][data-server=""] .status`);
      return s && s.textContent === 'Not running';
    }, newUser, { timeout: 60000, polling: 250 });
    log(`${newUser}'s server stopped`);
    await shot(page, 'stopped');

    h.step = `${newUser} (not an admin) gets the 403 page`;
    const other = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1360, height: 900 } });
    const otherPage = await other.newPage();
    await goto(otherPage, `${base}/hub/login`);
    await otherPage.fill('#username', newUser);
    await otherPage.fill('#password', 'e2e-password-123');
    await Promise.all([otherPage.waitForNavigation({ waitUntil: 'commit' }), otherPage.click('#login-submit')]);
    const refused = await goto(otherPage, `${base}/hub/admin`);
    const text = await otherPage.locator('h1').textContent();
    if (refused.status() !== 403 || !/administrators only/.test(text)) {
      fail(`a user who is not an admin got HTTP ${refused.status()}: ${text}`);
    }
    await shot(otherPage, 'not-admin');
    await other.close();

    h.step = 'token page: create a token';
    await goto(page, `${base}/hub/token`);
    await page.locator('#user-name', { hasText: admin }).waitFor();
    await page.fill('#token-note', 'browser test');
    await page.selectOption('#token-expiry', '3600');
    await page.click('#token-create');
    await page.locator('#token-shown').waitFor({ state: 'visible' });
    const token = await page.locator('#token-value').inputValue();
    if (!/^[0-9a-f]{32,}$/.test(token)) {
      fail(`the page showed ${JSON.stringify(token)} as the new token`);
    }
    const row = page.locator('#tokens-body tr', { hasText: 'browser test' });
    await row.waitFor();
    const used = await whoIsToken(context.request, token);
    if (used.name !== admin) {
      fail(`the new token did not authenticate as ${admin}: HTTP ${used.status}`);
    }
    log('the new token authenticates');
    await shot(page, 'token-created');

    h.step = 'token page: revoke it';
    await row.locator('button[data-action="revoke"]').click();
    await row.waitFor({ state: 'detached' });
    const after = await whoIsToken(context.request, token);
    if (after.status < 400) {
      fail(`the revoked token still answered HTTP ${after.status}`);
    }
    log(`the revoked token gets HTTP ${after.status}`);
    await shot(page, 'token-revoked');

    h.step = `delete user ${newUser}`;
    await goto(page, `${base}/hub/admin`);
    await page.locator(`#users-body tr[data-user="${newUser}"] button[data-action="delete"]`).click();
    await page.locator(`#users-body tr[data-user="${newUser}"]`).first().waitFor({ state: 'detached' });
    await shot(page, 'user-deleted');

    await browser.close();
    log('PASS');
    return 0;
  } catch (e) {
    await shot(page, 'failure');
    // Leave no user behind, even when the test failed half way.
    await page.evaluate((name) => window.Wharf.api('DELETE', `/hub/api/users/${name}`), newUser).catch(() => {});
    await browser.close().catch(() => {});
    throw e;
  }
}

h.run(main);
