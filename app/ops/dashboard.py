"""GET /monitoring/dashboard: one self-contained page (no external assets) for operators.

The page polls /api/v1/monitoring/overview. A browser does not repeat custom headers on its
own, so the page sends the credential the operator pastes (kept in sessionStorage, never in the
URL); behind a proxy that injects ``x-internal-key`` it works without one.
"""
from __future__ import annotations

from flask import Blueprint, Response

from app.core.identity import roles_required
from app.extensions import limiter

dashboard_blp = Blueprint("dashboard", __name__)
limiter.exempt(dashboard_blp)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marquee monitoring</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#111;color:#eee}
header{padding:12px 20px;background:#1d1d1d;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
h1{font-size:18px;margin:0}h2{font-size:15px;margin:0 0 8px}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px;padding:14px}
section{background:#1b1b1b;border-radius:8px;padding:12px;overflow:auto}
table{border-collapse:collapse;width:100%}td,th{padding:3px 6px;text-align:left;border-bottom:1px solid #2a2a2a}
.ok,.up,.closed,.healthy{color:#5c5}.degraded,.half_open,.unknown{color:#db3}.down,.open,.benched{color:#e55}
input{background:#222;color:#eee;border:1px solid #444;padding:4px;width:260px}small{color:#999}
</style></head><body>
<header><h1>Marquee monitoring</h1><span id="stamp">loading…</span>
<form id="cred"><input id="token" type="password" placeholder="admin token or internal key (optional)">
<button>use</button></form></header>
<main>
<section><h2>Health</h2><table id="health"></table></section>
<section><h2>Traffic (this web process)</h2><table id="traffic"></table></section>
<section><h2>Circuit breakers</h2><table id="breakers"></table></section>
<section><h2>Providers</h2><table id="providers"></table></section>
<section><h2>Proxies</h2><table id="proxies"></table></section>
<section><h2>Queue depths</h2><table id="queues"></table></section>
</main>
<script>
"use strict";
const REFRESH_MS = 5000;
let previous = null;
function headers() {
  const token = sessionStorage.getItem("marqueeCredential");
  if (!token) return {};
  return token.split(".").length === 3 ? {Authorization: "Bearer " + token} : {"x-internal-key": token};
}
document.getElementById("cred").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("marqueeCredential", document.getElementById("token").value.trim());
  refresh();
});
function fill(id, head, rows) {
  const table = document.getElementById(id);
  table.replaceChildren();
  const top = table.insertRow();
  head.forEach((name) => { const th = document.createElement("th"); th.textContent = name; top.appendChild(th); });
  rows.forEach((row) => {
    const tr = table.insertRow();
    row.forEach((value) => {
      const td = tr.insertCell();
      td.textContent = value === null || value === undefined ? "–" : String(value);
      if (typeof value === "string") td.className = value;
    });
  });
}
function render(data) {
  const health = data.health || {};
  fill("health", ["check", "status", "ms"], [["overall", health.status, ""]].concat(
    Object.entries(health.checks || {}).map(([name, c]) => [name, c.status, c.latencyMs])));
  const traffic = data.traffic || {};
  const now = Date.now();
  let rate = null;
  if (previous && traffic.requests !== undefined) {
    rate = ((traffic.requests - previous.requests) / ((now - previous.at) / 1000)).toFixed(2);
  }
  previous = {requests: traffic.requests, at: now};
  fill("traffic", ["figure", "value"], [["requests/s", rate], ["requests", traffic.requests],
    ["5xx", traffic.serverErrors], ["mean latency ms", traffic.meanLatencyMs],
    ["p95 latency ≤ ms", traffic.p95LatencyBucketMs]]);
  fill("breakers", ["name", "state", "failures"], (data.breakers || []).map((b) => [b.name, b.state, b.failures]));
  fill("providers", ["provider", "status", "ms", "priority", "enabled"], (data.providers || []).map(
    (p) => [p.name, (p.status || {}).status, (p.status || {}).latencyMs, p.priority, p.enabled]));
  fill("proxies", ["proxy", "status", "ms", "failures", "last error"], (data.proxies || []).map(
    (p) => [p.url, p.status, p.latency_ms, p.failures, p.last_error]));
  fill("queues", ["queue", "waiting"], Object.entries(data.queues || {}));
}
async function refresh() {
  const stamp = document.getElementById("stamp");
  try {
    const response = await fetch("/api/v1/monitoring/overview", {headers: headers(), credentials: "same-origin"});
    const body = await response.json();
    if (!body.success) throw new Error(body.error ? body.error.message : response.statusText);
    render(body.data);
    stamp.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    stamp.textContent = "not updated: " + error.message;
  }
}
refresh();
setInterval(refresh, REFRESH_MS);
</script></body></html>
"""


@dashboard_blp.get("/monitoring/dashboard")
@roles_required("admin", "service")
def dashboard():
    return Response(PAGE, mimetype="text/html", headers={
        "Cache-Control": "no-store",
        # everything is inline; nothing may load from elsewhere
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                                   "connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
    })
