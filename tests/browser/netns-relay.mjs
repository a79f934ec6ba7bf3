// Inside Chromium's network namespace (see netns.mjs): listens on 127.0.0.1:{port} for each
// port given and forwards each connection to `{dir}/{port}.sock`, then marks `{dir}/ready`.
// Exits when the shell that started it is gone.
// Usage: node netns-relay.mjs DIR PORT...
import { writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

const [dir, ...ports] = process.argv.slice(2);
const parent = process.ppid;

await Promise.all(ports.map((port) => new Promise((resolve, reject) => {
  const server = createServer((inbound) => {
    const outbound = createConnection(join(dir, `${port}.sock`));
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  server.once('error', reject);
  server.listen(Number(port), '127.0.0.1', resolve);
})));
writeFileSync(join(dir, 'ready'), '');
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000);
