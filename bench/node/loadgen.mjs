// Load generator for bench/rooms_fanout.py: N websocket clients in rooms of `size`; each room's
// admin sends seek actions; every member timestamps delivery. Steps through total action rates
// and prints one JSON line per step: {rate, sent, expected, delivered, p50, p99}.
// Usage: node loadgen.mjs <url> <tokensFile|-> <rooms> <size> <stepSeconds> <rate,rate,...>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';

const [url, tokensFile, roomsArg, sizeArg, stepArg, ratesArg] = process.argv.slice(2);
const roomCount = Number(roomsArg), size = Number(sizeArg), stepSeconds = Number(stepArg);
const rates = ratesArg.split(',').map(Number);
const tokens = tokensFile === '-' ? null : JSON.parse(readFileSync(tokensFile, 'utf8'));
const sent = new Map();           // `${room}:${seq}` -> send time
let latencies = [], delivered = 0;

const connect = (i) => new Promise((resolve, reject) => {
  const socket = io(url, { transports: ['websocket'], auth: tokens ? { token: tokens[i] } : undefined, reconnection: false, forceNew: true, timeout: 20000 });
  socket.once('connect', () => resolve(socket));
  socket.once('connect_error', reject);
});
const ask = (socket, event, payload) => socket.timeout(30000).emitWithAck(event, payload);

async function inBatches(count, batch, fn) {
  const out = [];
  for (let i = 0; i < count; i += batch) out.push(...await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, k) => fn(i + k))));
  return out;
}

const sockets = await inBatches(roomCount * size, 50, connect);
const rooms = [];
for (let r = 0; r < roomCount; r++) {
  const admin = sockets[r * size];
  const created = await ask(admin, 'create_room', { name: `bench ${r}`, mediaId: '1', mediaType: 'movie' });
  if (!created.success) throw new Error(JSON.stringify(created));
  rooms.push({ id: created.data.id, admin, seq: 0 });
}
await inBatches(roomCount * size, 50, async (i) => {
  const r = Math.floor(i / size);
  if (i % size === 0) return;
  const joined = await ask(sockets[i], 'join_room', { roomId: rooms[r].id });
  if (!joined.success) throw new Error(JSON.stringify(joined));
});
sockets.forEach((socket, i) => {
  const room = rooms[Math.floor(i / size)];
  socket.on('playback_updated', (e) => {
    const t = sent.get(`${room.id}:${e.action.data.currentTime}`);
    if (t !== undefined) { latencies.push(performance.now() - t); delivered++; }
  });
});
console.log(JSON.stringify({ ready: sockets.length }));

for (const rate of rates) {
  latencies = []; delivered = 0;
  let count = 0;
  const interval = 1000 / rate, started = performance.now(), total = Math.round(rate * stepSeconds);
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (count < due) {
        const room = rooms[count % rooms.length];
        const seq = ++room.seq;
        sent.set(`${room.id}:${seq}`, performance.now());
        room.admin.emit('playback_action', { roomId: room.id, action: { type: 'seek', data: { currentTime: seq } } });
        count++;
      }
      if (count >= total) return resolve();
      setTimeout(tick, Math.max(1, interval / 2));
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 1500));   // let the tail arrive
  latencies.sort((a, b) => a - b);
  const pct = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.round(q * (latencies.length - 1)))] : null;
  const achieved = count / ((performance.now() - 1500 - started) / 1000);
  console.log(JSON.stringify({ rate, achieved: +achieved.toFixed(1), sent: count, expected: count * size, delivered, p50: pct(0.5), p99: pct(0.99) }));
  if (delivered < 0.99 * count * size && rate !== rates[0]) break;
}
sockets.forEach((s) => s.close());
process.exit(0);
