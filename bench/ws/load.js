// WebSocket load with no dependencies: node load.js URL SECONDS MODE [COOKIE] [ORIGIN]
//   MODE pingpong:N:SIZE - N connections, each sending a SIZE-byte message and waiting for its echo
//   MODE stream:SIZE:DEPTH - one connection keeping DEPTH SIZE-byte messages in flight
//   MODE idle:N - opens N connections (50 at a time), prints {"open": N} once all are open, holds
//                 them for SECONDS, then closes them all and prints {"closed": N}
//   MODE churn:N:MESSAGES:PAUSE_MS:HTTP_PER_S - N workers, each in a loop: opens a WebSocket,
//                 ping-pongs MESSAGES 64-byte messages, closes it with a close frame (waiting for
//                 the echoed close and the end), waits PAUSE_MS; beside them HTTP_PER_S plain GETs
//                 a second on the same origin (keep-alive). Errors are counted, not fatal. Prints
//                 a JSON line of totals every 10 s and at the end.
// Prints one JSON line: messages/s (round trips), MB/s echoed, p50/p99 round-trip ms, and for
// wss:// the TLS protocol and cipher negotiated (any certificate is accepted: the bench's
// servers have self-signed ones).
// Frames are masked with a zero key (the client must mask; a zero key keeps the client cheap).
'use strict';
const net = require('net');
const tls = require('tls');
const crypto = require('crypto');
const { reader } = require('./echo-frames.js');

const [url, seconds, mode, cookie, origin] = process.argv.slice(2);
const u = new URL(url);
const secure = u.protocol === 'wss:';
const port = Number(u.port || (secure ? 443 : 80));

function clientFrame(payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(6) : n < 65536 ? Buffer.alloc(8) : Buffer.alloc(14);
  head[0] = 0x82;
  if (n < 126) { head[1] = 0x80 | n; }
  else if (n < 65536) { head[1] = 0x80 | 126; head.writeUInt16BE(n, 2); }
  else { head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(n), 2); }
  return Buffer.concat([head, payload]);
}

function open(onOpen, onFail) {
  const options = { host: u.hostname, port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] };
  const socket = secure ? tls.connect(options) : net.connect(options);
  socket.setNoDelay(true);
  socket.once(secure ? 'secureConnect' : 'connect', () => {
    if (secure && !negotiated) negotiated = socket.getProtocol() + ' ' + socket.getCipher().standardName;
    const key = crypto.randomBytes(16).toString('base64');
    socket.write('GET ' + u.pathname + u.search + ' HTTP/1.1\r\nHost: ' + u.host + '\r\nUpgrade: websocket\r\n'
      + 'Connection: Upgrade\r\nSec-WebSocket-Key: ' + key + '\r\nSec-WebSocket-Version: 13\r\n'
      + (cookie ? 'Cookie: ' + cookie + '\r\n' : '') + (origin ? 'Origin: ' + origin + '\r\n' : '') + '\r\n');
  });
  let head = '';
  const onData = (d) => {
    head += d.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    if (!head.startsWith('HTTP/1.1 101')) {
      if (onFail) { socket.destroy(); onFail('upgrade refused: ' + head.split('\r\n')[0]); return; }
      console.error('upgrade refused: ' + head.split('\r\n')[0] + ' (' + opened + ' open)');
      process.exit(1);
    }
    socket.removeListener('data', onData);
    opened++;
    onOpen(socket, Buffer.from(head.substring(end + 4), 'latin1'));
  };
  socket.on('data', onData);
  socket.on('error', (e) => { if (onFail) { if (!socket.wharfFailed) { socket.wharfFailed = true; onFail(e.message); } return; } console.error('socket error: ' + e.message + ' (' + opened + ' open)'); process.exit(1); });
}

let opened = 0;
let negotiated = '';
const latencies = [];
let messages = 0;
let bytes = 0;
let measuring = true;
const started = process.hrtime.bigint();

function pingpong(size) {
  const message = clientFrame(crypto.randomBytes(size));
  open((socket, rest) => {
    let sent = 0n;
    const send = () => { sent = process.hrtime.bigint(); socket.write(message); };
    const read = reader(() => {
      if (!measuring) return;
      messages++;
      bytes += size;
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      send();
    });
    socket.on('data', read);
    if (rest.length) read(rest);
    send();
  });
}

function stream(size, depth) {
  const message = clientFrame(crypto.randomBytes(size));
  open((socket, rest) => {
    const read = reader(() => {
      if (!measuring) return;
      messages++;
      bytes += size;
      socket.write(message);
    });
    socket.on('data', read);
    if (rest.length) read(rest);
    for (let i = 0; i < depth; i++) socket.write(message);
  });
}

const [kind, a, b, c, d] = mode.split(':');
if (kind === 'churn') {
  churn(Number(a), Number(b), Number(c), Number(d));
} else if (kind === 'idle') {
  idle(Number(a));
} else if (kind === 'pingpong') {
  for (let i = 0; i < Number(a); i++) pingpong(Number(b));
} else {
  stream(Number(a), Number(b));
}
function idle(n) {
  const sockets = [];
  let started = 0;
  const next = () => {
    if (started === n) return;
    started++;
    open((socket) => {
      sockets.push(socket);
      if (sockets.length === n) {
        console.log(JSON.stringify({ open: n }));
        setTimeout(() => {
          for (const s of sockets) s.destroy();
          console.log(JSON.stringify({ closed: n }));
          setTimeout(() => process.exit(0), 1000);
        }, Number(seconds) * 1000);
      }
      next();
    });
  };
  for (let i = 0; i < 50; i++) next();
}

function churn(workers, perSocket, pause, httpPerS) {
  const totals = { opened: 0, closed: 0, messages: 0, http_ok: 0, http_failed: 0, errors: 0, last_error: '' };
  const message = clientFrame(crypto.randomBytes(64));
  const closeFrame = clientFrame(Buffer.from([0x03, 0xe8]));
  closeFrame[0] = 0x88;
  let stopping = false;
  const fail = (why) => { totals.errors++; totals.last_error = why; };
  const cycle = () => {
    if (stopping) return;
    let done = false;
    const again = () => { if (!done) { done = true; setTimeout(cycle, pause); } };
    open((socket, rest) => {
      totals.opened++;
      let left = perSocket;
      socket.on('close', () => { totals.closed++; again(); });
      const read = reader((opcode) => {
        if (opcode === 8) { socket.end(); return; }
        totals.messages++;
        if (--left > 0) socket.write(message); else socket.write(closeFrame);
      });
      socket.on('data', read);
      if (rest.length) read(rest);
      socket.write(message);
    }, (why) => { fail(why); again(); });
  };
  for (let i = 0; i < workers; i++) setTimeout(cycle, i * 20);
  if (httpPerS > 0) {
    const https = require('https');
    const agent = new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false });
    setInterval(() => {
      if (stopping) return;
      const req = https.get({ host: u.hostname, port, path: u.pathname.replace(/[^/]*\/?$/, ''), agent,
        headers: cookie ? { Cookie: cookie } : {} }, (res) => {
        res.resume();
        res.on('end', () => { if (res.statusCode === 200) totals.http_ok++; else totals.http_failed++; });
      });
      req.on('error', (e) => { totals.http_failed++; totals.last_error = 'http: ' + e.message; });
    }, 1000 / httpPerS);
  }
  const report = () => console.log(JSON.stringify(totals));
  setInterval(report, 10000);
  setTimeout(() => { stopping = true; setTimeout(() => { report(); process.exit(0); }, 2000); }, Number(seconds) * 1000);
}

if (kind !== 'idle' && kind !== 'churn') setTimeout(() => {
  measuring = false;
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((x, y) => x - y);
  const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0;
  console.log(JSON.stringify({
    messages_per_s: Math.round(messages / secs), mb_per_s: +(bytes / secs / 1048576).toFixed(1),
    p50_ms: +pct(0.5).toFixed(3), p99_ms: +pct(0.99).toFixed(3), messages,
    ...(negotiated ? { tls: negotiated } : {}),
  }));
  process.exit(0);
}, Number(seconds) * 1000);
