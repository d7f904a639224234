// The floor of `npm run bench`: a bare Socket.IO 4 relay doing CipherNest's relay job as a user
// would write it by hand. Namespace /chat, one Socket.IO room per chat room named in the
// handshake (`auth: { room, name }`), `message { id, box }` acknowledged with `{ ok, seq, ts }`
// and relayed as `{ id, from, ts, seq, box }` to the others with socket.to(room), the same
// transport options as CipherNest (path, buffer limit, ping timing, WebSocket upgrade).
// No accounts, no tokens, no rate limits, no logs. `leave` is acknowledged and the socket closed.
//
// Run: PORT=4000 node bench/bare-relay.mjs   (HOST defaults to 127.0.0.1; GET /healthz answers 200)
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const MAX_MESSAGE_BYTES = Number(process.env.MAX_MESSAGE_BYTES ?? 8 * 1024 * 1024);
const TRANSPORT_OVERHEAD_BYTES = 64 * 1024;
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});

const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: MAX_MESSAGE_BYTES + TRANSPORT_OVERHEAD_BYTES,
  pingInterval: 10_000,
  pingTimeout: 5_000,
  connectTimeout: 10_000,
  allowEIO3: false,
});

/** The last seq of each room that has members. */
const seqs = new Map();
const chat = io.of('/chat');

chat.use((socket, next) => {
  const { room, name } = socket.handshake.auth ?? {};
  if (typeof room !== 'string' || room.length === 0 || typeof name !== 'string' || name.length === 0) {
    next(Object.assign(new Error('room and name required'), { data: { code: 'VALIDATION_FAILED' } }));
    return;
  }
  socket.data = { room: `room:${room.toLowerCase()}`, name };
  next();
});

chat.on('connection', (socket) => {
  const { room, name } = socket.data;
  socket.join(room);
  if (!seqs.has(room)) seqs.set(room, 0);

  socket.on('message', (payload, ack) => {
    if (typeof ack !== 'function') return;
    if (typeof payload !== 'object' || payload === null || typeof payload.id !== 'string' || !Buffer.isBuffer(payload.box)) {
      ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'message must be { id, box }' } });
      return;
    }
    const seq = seqs.get(room) + 1;
    seqs.set(room, seq);
    const ts = Date.now();
    socket.to(room).emit('message', { id: payload.id, from: name, ts, seq, box: payload.box });
    ack({ ok: true, seq, ts });
  });

  socket.on('leave', (ack) => {
    if (typeof ack === 'function') ack({ ok: true });
    socket.disconnect(true);
  });

  socket.on('disconnect', () => {
    if (!chat.adapter.rooms.has(room)) seqs.delete(room);
  });
});

http.listen(port, host, () => {
  process.stdout.write(`${JSON.stringify({ event: 'server.started', port: http.address().port })}\n`);
});

process.once('SIGTERM', () => {
  io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
