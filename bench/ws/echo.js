// A WebSocket echo server with no dependencies, the bench's stand-in for a notebook container:
// GET answers 200 (the readiness probe), an upgrade to any path echoes every data frame back,
// answers pings and closes. Listens on HOST:PORT (0.0.0.0:8888).
'use strict';
const http = require('http');
const crypto = require('crypto');
const { frame, reader } = require('./echo-frames.js');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const port = Number(process.env.PORT || 8888);

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('websocket echo\n');
});
server.on('upgrade', (req, socket, head) => {
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + GUID).digest('base64');
  socket.setNoDelay(true);
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
    + 'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n');
  const read = reader((opcode, payload) => {
    if (opcode === 8) {
      socket.end(Buffer.concat(frame(8, payload.subarray(0, 2))));
    } else if (opcode === 9) {
      socket.write(Buffer.concat(frame(10, payload)));
    } else if (opcode !== 10) {
      const [h, p] = frame(opcode, payload);
      socket.cork();
      socket.write(h);
      socket.write(p);
      socket.uncork();
    }
  });
  socket.on('data', read);
  socket.on('error', () => socket.destroy());
  if (head && head.length) read(head);
});
server.listen(port, process.env.HOST || '0.0.0.0');
