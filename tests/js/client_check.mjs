// The official socket.io-client 4 against our server: refused without a token, then a room over
// the given transport with an ack envelope and a broadcast. Usage: node client_check.mjs <url> <tokenA> <tokenB> <transport>
import { io } from 'socket.io-client';

const [url, tokenA, tokenB, transport] = process.argv.slice(2);
const out = {};
const connect = (token) => new Promise((resolve) => {
  const socket = io(url, { auth: token ? { token } : undefined, transports: [transport], reconnection: false, forceNew: true });
  socket.on('connect', () => resolve({ socket, ok: true }));
  socket.on('connect_error', (err) => resolve({ socket, ok: false, message: err.message, data: err.data }));
});
const ask = (socket, event, payload) => socket.timeout(5000).emitWithAck(event, payload);
const next = (socket, event) => new Promise((resolve) => socket.once(event, resolve));

try {
  const anon = await connect(null);
  out.anonymous = { ok: anon.ok, code: anon.data && anon.data.code };
  anon.socket.close();
  const a = await connect(tokenA), b = await connect(tokenB);
  out.connected = a.ok && b.ok;
  const created = await ask(a.socket, 'create_room', { name: 'js', mediaId: 603, mediaType: 'movie' });
  out.created = created.success;
  const joined = await ask(b.socket, 'join_room', { roomId: created.data.id });
  out.joinedParticipants = joined.data.participants.length;
  const heard = next(b.socket, 'playback_updated');
  await ask(a.socket, 'playback_action', { roomId: created.data.id, action: { type: 'play' } });
  const update = await heard;
  out.playing = update.state.isPlaying;
  out.leadMs = update.effectiveAt - update.serverTime;
  const errorEvent = next(b.socket, 'error');
  const refused = await ask(b.socket, 'playback_action', { roomId: created.data.id, action: { type: 'pause' } });
  out.refusedCode = refused.error.code;
  out.errorEvent = (await errorEvent).event;
  a.socket.close(); b.socket.close();
} catch (err) {
  out.error = String(err && err.message || err);
}
console.log(JSON.stringify(out));
process.exit(0);
