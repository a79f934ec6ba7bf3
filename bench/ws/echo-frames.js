// WebSocket frame helpers shared by the bench's echo server and load client.
'use strict';

function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) {
    head[1] = n;
  } else if (n < 65536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return [head, payload];
}

// Frames arrive in pieces; the pieces are kept in a list and joined only once a frame is whole.
function reader(onFrame) {
  let chunks = [];
  let size = 0;
  return (data) => {
    chunks.push(data);
    size += data.length;
    for (;;) {
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      chunks = [buf];
      if (buf.length < 2) return;
      const masked = (buf[1] & 0x80) !== 0;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      const maskOff = off;
      if (masked) off += 4;
      if (buf.length < off + len) return;
      const payload = Buffer.from(buf.subarray(off, off + len));
      if (masked) {
        const m = buf.subarray(maskOff, maskOff + 4);
        if (m[0] | m[1] | m[2] | m[3]) {
          for (let i = 0; i < payload.length; i++) payload[i] ^= m[i & 3];
        }
      }
      onFrame(buf[0] & 0x0f, payload);
      const rest = buf.subarray(off + len);
      chunks = rest.length ? [rest] : [];
      size = rest.length;
      if (!size) return;
    }
  };
}

module.exports = { frame, reader };
