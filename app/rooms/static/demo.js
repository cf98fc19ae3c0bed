// The watch-together demo: sign in, align the clock NTP-style, follow the room with a simulated player.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const api = '/api/v1';
  let token = null, me = null, socket = null, roomId = null;
  let offset = 0, bestRtt = null;              // server clock = Date.now() + offset
  let state = null;                            // the room's playback state, as the server sent it
  let reportTimer = null;

  const serverNow = () => Date.now() + offset;
  const log = (line) => { const el = $('log'); el.textContent = `${new Date().toISOString().slice(11, 23)} ${line}\n` + el.textContent; };

  // Position of the room at a server instant; before effectiveAt a scheduled play holds still.
  function positionAt(s, at) {
    if (!s) return 0;
    if (!s.isPlaying || at <= s.updatedAt) return s.currentTime;
    return s.currentTime + (at - s.updatedAt) / 1000 * s.playbackRate;
  }

  function render() {
    $('position').textContent = positionAt(state, serverNow()).toFixed(3);
    const scheduled = state && state.isPlaying && serverNow() < state.updatedAt;
    $('status').textContent = !state ? 'paused' : scheduled ? 'starting' : state.isPlaying ? 'playing' : 'paused';
  }

  async function call(path, body) {
    const response = await fetch(api + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json();
    if (!json.success) throw new Error(`${json.error.code}: ${json.error.message}`);
    return json.data;
  }

  function emit(event, payload) {
    return new Promise((resolve) => socket.timeout(5000).emit(event, payload, (err, reply) => {
      if (err) { log(`${event}: no answer`); return resolve(null); }
      if (!reply.success) log(`${event} refused: ${reply.error.code} ${reply.error.message}`);
      resolve(reply.success ? reply.data : null);
    }));
  }

  // Several time_sync samples; the one with the shortest round trip bounds the offset best.
  async function alignClock(samples = 7) {
    for (let i = 0; i < samples; i++) {
      const sent = Date.now();
      const data = await emit('time_sync', { clientTime: sent });
      const received = Date.now();
      if (!data) continue;
      const rtt = received - sent;
      if (bestRtt === null || rtt <= bestRtt) {
        bestRtt = rtt;
        offset = data.serverTime - (sent + received) / 2;
      }
    }
    $('offset').textContent = offset.toFixed(1);
    $('rtt').textContent = bestRtt;
  }

  function showMembers(participants, adminId) {
    if (adminId) $('adminId').textContent = adminId;
    $('participants').textContent = participants.map((p) =>
      `${p.displayName}${p.isAdmin ? ' ★' : ''} [${p.state}${p.driftMs === null ? '' : ` ${p.driftMs} ms`}${p.connected ? '' : ' away'}]`).join(', ');
  }

  function enterRoom(snapshot) {
    const room = snapshot.room || snapshot;
    roomId = room.id;
    state = snapshot.currentState || room.currentState;
    $('roomId').textContent = roomId;
    showMembers(room.participants, room.adminId);
    for (const id of ['play', 'pause', 'back', 'forward', 'buffering', 'chat', 'leave']) $(id).disabled = false;
    clearInterval(reportTimer);
    reportTimer = setInterval(() => {   // members report where they are; the server measures drift
      emit('heartbeat', { roomId, rttMs: bestRtt });
      emit('update_time', { roomId, currentTime: positionAt(state, serverNow()) });
    }, 3000);
  }

  function connect() {
    socket = io({ auth: { token }, transports: ['websocket', 'polling'] });
    socket.on('connect', async () => { log('connected'); await alignClock(); });
    socket.on('connect_error', (err) => log(`connect refused: ${err.message}`));
    socket.on('error', (e) => log(`error ${e.event}: ${e.code}`));
    socket.on('room_created', (room) => { log('room_created'); enterRoom(room); });
    socket.on('initial_state', (snap) => { log('initial_state'); enterRoom(snap); });
    for (const name of ['playback_updated', 'episode_changed', 'provider_changed', 'media_changed']) {
      socket.on(name, (e) => { state = e.state; log(`${name} ${e.action.type}${e.pending ? ' (waiting for ' + e.waitingFor.join(',') + ')' : ''}${e.effectiveAt ? ' in ' + (e.effectiveAt - serverNow()).toFixed(0) + ' ms' : ''}`); });
    }
    for (const name of ['user_joined', 'user_left', 'user_kicked', 'admin_changed', 'participants_updated']) {
      socket.on(name, (e) => { log(name + (e.userId ? ' ' + e.userId : '')); showMembers(e.participants, e.newAdmin); });
    }
    socket.on('sync_response', (e) => { state = e.currentState; });
    socket.on('chat_message', (m) => { const d = document.createElement('div'); d.textContent = m.text; log(`${m.displayName}: ${d.textContent}`); });
    socket.on('room_closed', () => { log('room_closed'); roomId = null; $('roomId').textContent = '—'; });
    $('create').disabled = $('join').disabled = false;
  }

  async function signIn(register) {
    try {
      const body = { email: $('email').value, password: $('password').value };
      if (register) body.displayName = $('displayName').value || body.email.split('@')[0];
      const data = await call(register ? '/auth/register' : '/auth/login', body);
      token = data.accessToken; me = data.user;
      $('who').textContent = `signed in as ${me.displayName} (#${me.id})`;
      connect();
    } catch (err) { log(`sign-in failed: ${err.message}`); }
  }

  const act = (type, data) => emit('playback_action', { roomId, action: data ? { type, data } : { type } });
  $('login').onclick = () => signIn(false);
  $('register').onclick = () => signIn(true);
  $('create').onclick = () => emit('create_room', { name: $('roomName').value, mediaId: $('mediaId').value, mediaType: 'movie' });
  $('join').onclick = () => {
    const inviteCode = $('inviteInput').value.trim();
    emit('join_room', inviteCode ? { roomId: $('roomIdInput').value.trim(), inviteCode } : { roomId: $('roomIdInput').value.trim() });
  };
  const link = new URLSearchParams(location.search);  // an invite link: ?room=<id>&invite=<code>
  if (link.get('room')) $('roomIdInput').value = link.get('room');
  if (link.get('invite')) $('inviteInput').value = link.get('invite');
  $('leave').onclick = () => { emit('leave_room', { roomId }); clearInterval(reportTimer); };
  $('play').onclick = () => act('play');
  $('pause').onclick = () => act('pause');
  $('back').onclick = () => act('seek', { currentTime: Math.max(0, positionAt(state, serverNow()) - 10) });
  $('forward').onclick = () => act('seek', { currentTime: positionAt(state, serverNow()) + 10 });
  $('buffering').onchange = (e) => emit('player_state', { roomId, state: e.target.checked ? 'buffering' : 'ready', position: positionAt(state, serverNow()) });
  $('chat').onclick = () => { emit('chat_message', { roomId, text: $('chatText').value }); $('chatText').value = ''; };
  setInterval(render, 50);   // a timer, not animation frames, so background tabs keep their clock
})();
