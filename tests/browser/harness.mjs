// What the browser tests share: their settings from the environment, a timed log, numbered
// screenshots, failures that name the step they happened in, navigations that survive Docker's
// network changes, Chromium's launch (away from those changes: netns.mjs) and the exit status.
//
// Env: WHARF_URL (https://127.0.0.1:8443), WHARF_USER (admin), WHARF_PASSWORD,
//      SCREENSHOT_DIR (default ./screenshots), CHROMIUM (default /usr/bin/chromium),
//      SPAWN_TIMEOUT_MS (default 90000).
import { launchIsolated } from './netns.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const base = (process.env.WHARF_URL || 'https://127.0.0.1:8443').replace(/\/+$/, '');
export const user = process.env.WHARF_USER || 'admin';
export const password = process.env.WHARF_PASSWORD || '';
export const shotDir = process.env.SCREENSHOT_DIR || 'screenshots';
export const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
export const spawnTimeout = Number(process.env.SPAWN_TIMEOUT_MS || 90000);

/** A test's harness; its screenshots are named `{prefix}NN-{name}.png`. Set `step` as the test goes. */
export function harness(prefix) {
  mkdirSync(shotDir, { recursive: true });
  const t0 = Date.now();
  let shotCount = 0;
  const h = {
    step: 'start',

    log(msg) {
      console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);
    },

    async shot(page, name) {
      shotCount += 1;
      const file = join(shotDir, `${prefix}${String(shotCount).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).then(() => h.log(`screenshot ${file}`),
        (e) => h.log(`screenshot ${file} failed: ${e.message.split('\n')[0]}`));
    },

    fail(msg) {
      const err = new Error(msg);
      err.wharfStep = h.step;
      throw err;
    },

    // Docker attaching or detaching a container changes the host's interfaces, and Chromium then
    // aborts requests in flight (ERR_NETWORK_CHANGED): a navigation so interrupted is made again.
    async goto(page, url) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await page.goto(url, { waitUntil: 'domcontentloaded' });
        } catch (e) {
          if (!String(e.message).includes('ERR_NETWORK_CHANGED') || attempt > 3) {
            throw e;
          }
          h.log(`loading ${url.replace(base, '')} was interrupted by a network change; again (attempt ${attempt + 1})`);
        }
      }
    },

    /** Headless Chromium with the flags every test uses, in a network namespace that reaches only Wharf. */
    launch() {
      h.step = 'launch chromium';
      return launchIsolated({
        executablePath,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      }, [base], h.log);
    },

    /** Runs the test and exits: its status (0 when it returns nothing), or 1 naming the failed step. */
    run(main) {
      if (!password) {
        console.error('FAIL at step "start": WHARF_PASSWORD is not set');
        process.exit(1);
      }
      main().then((code) => process.exit(code || 0), (e) => {
        console.error(`FAIL at step "${e.wharfStep || h.step}": ${e.message.split('\n')[0]}`);
        if (!e.wharfStep && e.stack) {
          console.error(e.stack.split('\n').slice(1, 4).join('\n'));
        }
        process.exit(1);
      });
    },
  };
  return h;
}
