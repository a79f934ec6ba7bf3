// End-to-end browser test of Wharf's single sign-on against a real OpenID Connect provider
// (node-oidc-provider, tests/oidc/provider.mjs). It starts the provider and a Wharf of its own
// (router and session manager only: no container manager, so no Docker), both on 127.0.0.1,
// with auth.oidc pointed at the provider through WHARF_AUTH_OIDC_* variables. Then, in headless
// Chromium: the login page shows "Sign in with Test ID"; a click goes to the provider, where
// alice signs in and consents; the browser comes back signed in to Wharf as sso-alice, and
// /hub/home is hers. eve, outside the allowed group, is refused with Wharf's page. Last, the
// admin changes their password with the home page's form: their other browser is signed out,
// the old password no longer signs in, the new one does.
//
// Env: WHARF_JAR (server/target/wharf.jar), SCREENSHOT_DIR (default ./screenshots/oidc),
//      CHROMIUM (default /usr/bin/chromium), STEP_TIMEOUT_MS (each page step; default 60000).
// Exits 0 on success, 1 with a message naming the failed step otherwise.
import { launchIsolated } from './netns.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const jar = process.env.WHARF_JAR || join(root, 'server/target/wharf.jar');
const shotDir = process.env.SCREENSHOT_DIR || join(here, 'screenshots/oidc');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeoutMs = Number(process.env.STEP_TIMEOUT_MS || 60000);
const adminPassword = 'oidc-test-admin';
const t0 = Date.now();
let step = 'start';
let shotCount = 0;

function log(msg) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) { return; }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

async function shot(page, name) {
  shotCount += 1;
  const file = join(shotDir, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
}

/** Signs in at the provider's development pages as `login`, consenting if asked; ends back at Wharf. */
async function signInAtProvider(page, issuer, login) {
  step = `provider login page (${login})`;
  await page.waitForURL((url) => url.href.startsWith(issuer), { timeout: timeoutMs });
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any-password');
  await shot(page, `provider-login-${login}`);
  await page.click('button[type="submit"]');
  step = `provider consent (${login})`;
  await page.waitForLoadState('load');
  if (page.url().startsWith(issuer)) {
    await shot(page, `provider-consent-${login}`);
    await page.click('button[type="submit"]');
  }
}

/** A page of its own (no cookies shared), patient: the machine may be busy with other builds. */
async function newPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(timeoutMs);
  const page = await context.newPage();
  page.on('requestfailed', (r) => log(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  if (process.env.OIDC_E2E_DEBUG) {
    page.on('request', (r) => log(`> ${r.method()} ${r.url()}`));
    page.on('response', (r) => log(`< ${r.status()} ${r.url()}`));
  }
  return page;
}

// Chromium aborts requests in flight with ERR_NETWORK_CHANGED when the host's interfaces change,
// as they do each time Docker attaches or detaches a container (other work on a shared host). A
// sign-in interrupted so is made again from the start, in a fresh context, up to three times.
async function withRetries(browser, who, flow) {
  for (let attempt = 1; ; attempt++) {
    const page = await newPage(browser);
    try {
      return await flow(page);
    } catch (e) {
      if (!String(e.message).includes('ERR_NETWORK_CHANGED') || attempt > 3) {
        throw e;
      }
      log(`${who}'s sign-in was interrupted by a network change; again (attempt ${attempt + 1})`);
    } finally {
      await page.context().close();
    }
  }
}

/** alice, in the allowed group: the button, the provider, and back at Wharf as sso-alice on /hub/home. */
async function alice(page, base, issuer) {
  step = 'login page';
  await page.goto(`${base}/hub/login?next=%2Fhub%2Fhome`, { waitUntil: 'domcontentloaded' });
  const button = page.locator('#oidc-login');
  await button.waitFor({ state: 'visible', timeout: timeoutMs });
  const label = (await button.textContent()).trim();
  if (label !== 'Sign in with Test ID') { throw new Error(`the button says '${label}'`); }
  await shot(page, 'login-page');
  await button.click();
  await signInAtProvider(page, issuer, 'alice');

  step = 'back at Wharf as sso-alice';
  await page.waitForURL((url) => url.href.startsWith(base) && !url.pathname.startsWith('/hub/oidc/'), { timeout: timeoutMs });
  log(`back at ${page.url()}`);
  await page.goto(`${base}/hub/home`, { waitUntil: 'domcontentloaded' });
  if (new URL(page.url()).pathname !== '/hub/home') { throw new Error(`home sent the browser to ${page.url()}`); }
  const me = await page.evaluate(async () => (await fetch('/hub/api/user')).json());
  if (me.name !== 'sso-alice' || me.admin !== false) { throw new Error(`signed in as ${JSON.stringify(me)}`); }
  await page.locator('.topbar').getByText('sso-alice').waitFor({ timeout: timeoutMs });
  await shot(page, 'home-sso-alice');
  log('signed in as sso-alice and on /hub/home');
}

/** eve, outside the allowed group: the provider signs her in, Wharf refuses her with its page. */
async function eve(page, base, issuer) {
  step = 'eve, outside the allowed group';
  await page.goto(`${base}/hub/login`, { waitUntil: 'domcontentloaded' });
  await page.locator('#oidc-login').click();
  await signInAtProvider(page, issuer, 'eve');
  await page.waitForURL((url) => url.href.startsWith(`${base}/hub/oidc/callback`), { timeout: timeoutMs });
  const refusal = (await page.locator('#oidc-error').textContent()).trim();
  if (!/not allowed/.test(refusal)) { throw new Error(`eve saw '${refusal}'`); }
  const status = await page.evaluate(async () => (await fetch('/hub/api/user')).status);
  if (status !== 403) { throw new Error(`eve's /hub/api/user answered ${status}`); }
  await shot(page, 'refused-sso-eve');
  log(`eve refused: ${refusal}`);
}

/** Signs in with the password form; returns whether Wharf took the password. */
async function passwordLogin(page, base, user, password) {
  await page.goto(`${base}/hub/login`, { waitUntil: 'domcontentloaded' });
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForURL((url) => url.pathname !== '/hub/login' || url.search.includes('error='), { timeout: timeoutMs });
  return !page.url().includes('error=');
}

/** The home page's password form: the admin changes their password; their other browser is signed out. */
async function changePassword(page, browser, base) {
  step = 'admin signs in with the password, twice';
  if (!await passwordLogin(page, base, 'admin', adminPassword)) { throw new Error('the admin password was refused'); }
  const other = await newPage(browser);
  try {
    if (!await passwordLogin(other, base, 'admin', adminPassword)) { throw new Error('the second sign-in was refused'); }
    step = 'change the password on the home page';
    await page.goto(`${base}/hub/home`, { waitUntil: 'domcontentloaded' });
    await page.locator('#password-card').waitFor({ state: 'visible', timeout: timeoutMs });
    await page.fill('#current-password', adminPassword);
    await page.fill('#new-password', 'a-changed-admin-password');
    await page.click('#password-submit');
    await page.locator('#password-message', { hasText: 'Password changed' }).waitFor({ timeout: timeoutMs });
    await shot(page, 'password-changed');
    const mine = await page.evaluate(async () => (await fetch('/hub/api/user')).status);
    const theirs = await other.evaluate(async () => (await fetch('/hub/api/user')).status);
    if (mine !== 200 || theirs !== 403) { throw new Error(`after the change: this browser ${mine}, the other ${theirs}`); }
    step = 'the old password no longer signs in, the new one does';
    if (await passwordLogin(other, base, 'admin', adminPassword)) { throw new Error('the old password still works'); }
    if (!await passwordLogin(other, base, 'admin', 'a-changed-admin-password')) { throw new Error('the new password was refused'); }
    log('password changed on the home page; the other session ended; only the new password signs in');
  } finally {
    await other.context().close();
  }
}

async function main() {
  mkdirSync(shotDir, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), 'wharf-oidc-'));
  const children = [];
  try {
    const [wharfPort, clusterPort, oidcPort] = [await freePort(), await freePort(), await freePort()];
    const base = `https://127.0.0.1:${wharfPort}`;
    const issuer = `http://127.0.0.1:${oidcPort}`;

    step = 'start the provider';
    const providerLog = openSync(join(data, 'provider.log'), 'w');
    children.push(spawn('node', [join(root, 'tests/oidc/provider.mjs')], {
      env: { ...process.env, OIDC_PORT: String(oidcPort), OIDC_REDIRECT_URI: `${base}/hub/oidc/callback` },
      stdio: ['ignore', providerLog, providerLog],
    }));
    await waitFor('the provider', async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok, 20000);
    log(`provider at ${issuer}`);

    step = 'start Wharf';
    const wharfLog = openSync(join(data, 'wharf.log'), 'w');
    children.push(spawn('java', ['-jar', jar], {
      env: {
        ...process.env,
        WHARF_INSTANCE_ID: `oidc-${process.pid}`, WHARF_INSTANCE_DATA_DIR: data,
        WHARF_INSTANCE_ROLES: 'router,session-manager', WHARF_ROUTER_STATIC_DIR: join(root, 'static'),
        WHARF_ROUTER_HOST: '127.0.0.1', WHARF_ROUTER_HTTPS_PORT: String(wharfPort), WHARF_ROUTER_HTTP_PORT: '0',
        WHARF_CLUSTER_PORT: String(clusterPort), WHARF_AUTH_ADMIN_PASSWORD: adminPassword,
        WHARF_AUTH_OIDC_ISSUER: issuer, WHARF_AUTH_OIDC_PROVIDER_NAME: 'Test ID',
        WHARF_AUTH_OIDC_CLIENT_ID: 'wharf', WHARF_AUTH_OIDC_CLIENT_SECRET: 'wharf-test-secret',
        WHARF_AUTH_OIDC_REDIRECT_URL: `${base}/hub/oidc/callback`,
        WHARF_AUTH_OIDC_ALLOWED_GROUPS: 'staff', WHARF_AUTH_OIDC_ADMIN_GROUPS: 'wharf-admins',
      },
      cwd: root,
      stdio: ['ignore', wharfLog, wharfLog],
    }));
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    await waitFor('Wharf', async () => (await fetch(`${base}/hub/health`)).ok, 60000);
    log(`Wharf at ${base}`);

    // Only loopback: the provider's development pages ask for web fonts, which nothing here fetches.
    const browser = await launchIsolated({
      executablePath, headless: true, args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    }, [base, issuer], log);
    try {
      await withRetries(browser, 'alice', (page) => alice(page, base, issuer));
      await withRetries(browser, 'eve', (page) => eve(page, base, issuer));
      await changePassword(await newPage(browser), browser, base);
    } finally {
      await browser.close();
    }
  } catch (err) {
    for (const name of ['wharf.log', 'provider.log']) {
      try {
        console.error(`--- ${name} (last lines) ---\n${readFileSync(join(data, name), 'utf8').split('\n').slice(-30).join('\n')}`);
      } catch { /* none */ }
    }
    throw err;
  } finally {
    for (const child of children) { child.kill('SIGTERM'); }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(data, { recursive: true, force: true });
  }
}

main().then(() => {
  log('oidc browser test passed');
  process.exit(0);
}, (err) => {
  console.error(`oidc browser test FAILED at step '${step}': ${err.message.split('\n')[0]}`);
  process.exit(1);
});
