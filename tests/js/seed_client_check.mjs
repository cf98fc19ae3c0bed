// Seed 000's own payloads through the official socket.io-client 4: create_room {movieId, adminId},
// join_room {roomId, userId}, playback_action {roomId, action: "play", userId}, update_time
// {roomId, currentTime, userId}. Usage: node seed_client_check.mjs <url> <tokenA> <idA> <tokenB> <idB>
import { io } from 'socket.io-client';

const [url, tokenA, idA, tokenB, idB] = process.argv.slice(2);
const out = {};
const connect = (token) => new Promise((resolve, reject) => {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  socket.on('connect', () => resolve(socket));
  socket.on('connect_error', reject);
});
const ask = (socket, event, payload) => socket.timeout(5000).emitWithAck(event, payload);
const next = (socket, event) => new Promise((resolve) => socket.once(event, resolve));

try {
  const a = await connect(tokenA), b = await connect(tokenB);
  const created = await ask(a, 'create_room', { movieId: 603, adminId: Number(idA) });
  out.created = created.success;
  out.provider = created.data.currentState.providerId;
  out.mediaType = created.data.currentState.mediaType;
  const roomId = created.data.id;
  const joined = await ask(b, 'join_room', { roomId, userId: Number(idB) });
  out.joinedParticipants = joined.data.participants.length;
  const heard = next(b, 'playback_updated');
  const played = await ask(a, 'playback_action', { roomId, action: 'play', userId: Number(idA) });
  out.played = played.success;
  out.heardPlaying = (await heard).state.isPlaying;
  const time = await ask(a, 'update_time', { roomId, currentTime: 12.5, userId: Number(idA) });
  out.reportedTime = time.data.state.currentTime;
  const forged = await ask(b, 'playback_action', { roomId, action: 'pause', userId: Number(idA) });
  out.forgedCode = forged.error.code;
  const episode = await ask(a, 'playback_action', { roomId, action: 'changeEpisode', episode: 2 });
  out.episodeCode = episode.error.code;
  a.close(); b.close();
} catch (err) {
  out.error = String(err && err.message || err);
}
console.log(JSON.stringify(out));
process.exit(0);
