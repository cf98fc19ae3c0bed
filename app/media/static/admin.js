// The transcode jobs page: the job list from the API, kept live by media_progress events.
// State for tests: window.marqueeJobs = { rows: {jobId: job}, history: {jobId: [states]}, events, connected }.
(function () {
  const $ = (id) => document.getElementById(id);
  const state = window.marqueeJobs = { rows: {}, history: {}, events: 0, connected: false };
  let token = localStorage.getItem('marquee.token') || '';
  let socket = null;

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) td.className = className;
    return td;
  }

  function render(job) {
    state.rows[job.jobId] = job;
    (state.history[job.jobId] = state.history[job.jobId] || []).push(job.state);
    let row = document.getElementById(`job-${job.jobId}`);
    if (!row) {
      row = document.createElement('tr');
      row.id = `job-${job.jobId}`;
      $('jobs').prepend(row);
    }
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = job.progress || 0;
    const progress = document.createElement('td');
    progress.append(bar, ` ${(job.progress || 0).toFixed(1)} %`);
    row.replaceChildren(cell(job.jobId), cell(job.episodeId ? `${job.contentId} / ep ${job.episodeId}` : job.contentId),
      cell(job.state, job.state), progress, cell(job.etaSeconds == null ? '' : `${Math.round(job.etaSeconds)} s`),
      cell((job.rungsLive || []).join(', ')), cell(job.error || ''));
    row.dataset.state = job.state;
    row.dataset.progress = String(job.progress || 0);
  }

  async function api(path, options = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const body = await (await fetch(path, { ...options, headers })).json();
    if (!body.success) throw new Error(`${body.error.code}: ${body.error.message}`);
    return body.data;
  }

  async function load() {
    const jobs = await api('/api/v1/admin/transcode?limit=50');
    jobs.reverse().forEach((job) => render({ ...job, jobId: job.id }));
  }

  function connect() {
    if (socket) socket.disconnect();
    socket = io({ auth: { token }, transports: ['websocket'] });
    socket.on('connect', () => { state.connected = true; $('socket').textContent = 'live'; });
    socket.on('disconnect', () => { state.connected = false; $('socket').textContent = 'closed'; });
    socket.on('connect_error', (err) => { $('socket').textContent = `refused: ${err.message}`; });
    socket.on('media_progress', (job) => { state.events += 1; render(job); });
  }

  async function start() {
    try {
      await load();
      connect();
    } catch (err) { $('who').textContent = err.message; }
  }

  $('login').onclick = async () => {
    try {
      const data = await api('/api/v1/auth/login', { method: 'POST',
        body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
      token = data.accessToken;
      localStorage.setItem('marquee.token', token);
      $('who').textContent = data.user.email;
      start();
    } catch (err) { $('who').textContent = err.message; }
  };

  if (token) start();
})();
