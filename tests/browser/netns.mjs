// Chromium in a network namespace of its own, which has nothing but loopback.
//
// Docker attaching or detaching a container changes the host's interfaces, and Chromium then
// aborts whatever it has in flight with ERR_NETWORK_CHANGED: a page load, or a request the page
// itself makes (the notebook's POST /api/contents), which no retry in the test can reach. In a
// namespace of its own Chromium sees no such change. The ports the test needs are carried into
// it through Unix sockets in a private directory: here a listener per port on
// `{dir}/{port}.sock` forwards to 127.0.0.1:{port} on the host, and netns-relay.mjs, inside the
// namespace, listens on 127.0.0.1:{port} and forwards to that socket.
//
// It needs root (for unshare --net) and `ip`; without them, or with WHARF_BROWSER_NETNS=0,
// Chromium runs as before, in the host's namespace.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function available() {
  if (process.env.WHARF_BROWSER_NETNS === '0' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return false;
  }
  try {
    execFileSync('sh', ['-c', 'command -v unshare && command -v ip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function portOf(url) {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') {
    throw new Error(`${url}: only loopback addresses can be carried into Chromium's namespace`);
  }
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

function pipe(a, b) {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

/**
 * Launches headless Chromium (`options` as for chromium.launch) able to reach only `urls`, each
 * on a loopback address. The returned browser's close() also removes the relays.
 */
export async function launchIsolated(options, urls, log = () => {}) {
  if (!available()) {
    log('chromium runs in the host network namespace (needs root, unshare and ip)');
    return chromium.launch(options);
  }
  const ports = [...new Set(urls.map(portOf))];
  const dir = mkdtempSync(join(tmpdir(), 'wharf-chromium-'));
  const servers = [];
  for (const port of ports) {
    const server = createServer((inbound) => pipe(inbound, createConnection({ host: '127.0.0.1', port })));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(join(dir, `${port}.sock`), resolve);
    });
    servers.push(server);
  }
  const real = options.executablePath || '/usr/bin/chromium';
  const wrapper = join(dir, 'chromium');
  // The relay gets neither of the pipes Playwright talks to Chromium over (fds 3 and 4), so
  // they close when Chromium exits.
  writeFileSync(wrapper, `#!/bin/sh
exec unshare --net -- sh -c '
  ip link set lo up || exit 1
  "$0" "$1" "$2" ${ports.join(' ')} 3>&- 4>&- &
  relay=$!
  for _ in $(seq 1 100); do [ -e "$2/ready" ] && break; sleep 0.05; done
  [ -e "$2/ready" ] || { echo "netns relay did not start" >&2; kill $relay; exit 1; }
  shift 2
  "$@"
  status=$?
  kill $relay 2>/dev/null
  exit $status' ${JSON.stringify(process.execPath)} ${JSON.stringify(join(here, 'netns-relay.mjs'))} ${JSON.stringify(dir)} ${JSON.stringify(real)} "$@"
`);
  chmodSync(wrapper, 0o755);
  let browser;
  try {
    browser = await chromium.launch({ ...options, executablePath: wrapper });
  } catch (e) {
    for (const s of servers) { s.close(); }
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  log(`chromium runs in a network namespace with only loopback; ports ${ports.join(', ')} carried in`);
  const close = browser.close.bind(browser);
  browser.close = async (...args) => {
    try {
      return await close(...args);
    } finally {
      for (const s of servers) { s.close(); }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return browser;
}
