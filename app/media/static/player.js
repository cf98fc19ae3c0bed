// The player page: sign in, ask for a title's signed stream, play it with hls.js.
// `?src=<signed master URL>` plays a URL directly. State for tests: window.marqueePlayer.
(function () {
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const state = window.marqueePlayer = { hls: null, events: [], switches: [], error: null };
  let token = localStorage.getItem('marquee.token') || '';

  function log(text) {
    state.events.push(text);
    $('log').textContent += `${new Date().toISOString().slice(11, 23)} ${text}\n`;
    $('log').scrollTop = $('log').scrollHeight;
  }

  function fail(text) {
    state.error = text;
    $('error').textContent = text;
    log(`error: ${text}`);
  }

  async function api(path, options = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, { ...options, headers });
    const body = await response.json();
    if (!body.success) throw new Error(`${body.error.code}: ${body.error.message}`);
    return body.data;
  }

  function play(src, startAt) {
    if (state.hls) state.hls.destroy();
    state.error = null;
    $('error').textContent = '';
    if (!window.Hls || !Hls.isSupported()) {
      video.src = src;  // Safari plays HLS itself
      return;
    }
    const hls = state.hls = new Hls({ startPosition: startAt || -1 });
    hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
      const select = $('quality');
      select.length = 1;
      data.levels.forEach((level, index) => select.add(new Option(`${level.height}p`, String(index))));
      log(`manifest: ${data.levels.map((l) => `${l.height}p`).join(', ')}`);
      video.play().catch((err) => log(`play() refused: ${err.message}`));
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
      const level = hls.levels[data.level];
      state.switches.push(level.height);
      $('level').textContent = `${level.height}p (${Math.round(level.bitrate / 1000)} kb/s)`;
      log(`rendition ${level.height}p`);
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      const status = data.response && data.response.code;
      if (data.fatal) fail(`${data.details}${status ? ` (HTTP ${status})` : ''}`);
      else log(`warning: ${data.details}`);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  }

  $('quality').onchange = () => { if (state.hls) state.hls.currentLevel = Number($('quality').value); };
  video.ontimeupdate = () => { $('clock').textContent = video.currentTime.toFixed(1); };

  $('login').onclick = async () => {
    try {
      const data = await api('/api/v1/auth/login', { method: 'POST',
        body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
      token = data.accessToken || data.token || (data.tokens && data.tokens.accessToken);
      localStorage.setItem('marquee.token', token);
      $('who').textContent = data.user ? data.user.email : 'signed in';
    } catch (err) { fail(err.message); }
  };

  $('load').onclick = async () => {
    const id = $('contentId').value.trim();
    const episode = $('episodeId').value.trim();
    try {
      const data = await api(`/api/v1/content/${encodeURIComponent(id)}/stream${episode ? `?episodeId=${encodeURIComponent(episode)}` : ''}`);
      $('title').textContent = `${data.renditions.length} renditions, resume at ${data.resumePosition.toFixed(0)} s`;
      play(data.url, data.resumePosition);
    } catch (err) { fail(err.message); }
  };

  const params = new URLSearchParams(location.search);
  if (params.get('src')) play(params.get('src'));
  else if (params.get('content')) { $('contentId').value = params.get('content'); if (token) $('load').click(); }
})();
