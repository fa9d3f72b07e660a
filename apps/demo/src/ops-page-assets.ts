// The ops page's HTML, style and script, served by ops-page.ts from the ops server itself (no
// CDN, nothing inline: the Content-Security-Policy allows only 'self'). The script renders with
// textContent, never innerHTML, so a stream or worker name cannot inject markup. It is plain ES2017
// for any current browser; no template literals, so it can live in this string.

export const OPS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>userstream ops</title>
<link rel="stylesheet" href="/ops/assets/uplot.css">
<link rel="stylesheet" href="/ops/assets/ops.css">
</head>
<body>
<header>
  <h1>userstream ops</h1>
  <span id="mode" class="pill">…</span>
  <span id="status" class="pill">…</span>
  <span class="muted">read-only · refreshes every 2 s · <a href="/healthz">/healthz</a> · <a href="/metrics">/metrics</a> · <a href="/ops/summary">/ops/summary</a></span>
</header>
<section class="cards">
  <div class="card"><div class="label">streams</div><div id="stream-total" class="value">–</div><div id="by-state" class="muted"></div></div>
  <div class="card"><div class="label">down</div><div id="stream-down" class="value">–</div></div>
  <div class="card"><div class="label">reconnects</div><div id="reconnects" class="value">–</div></div>
  <div class="card"><div class="label">gaps</div><div id="gaps" class="value">–</div></div>
  <div class="card"><div class="label">events</div><div id="events" class="value">–</div></div>
</section>
<section>
  <h2>reconnects, gaps and streams down over time</h2>
  <div id="chart"></div>
</section>
<section id="fleet" hidden>
  <h2>fleet workers</h2>
  <table><thead><tr><th>worker</th><th>alive</th><th>owns</th><th>acquired</th><th>taken over</th><th>released</th><th>lost</th></tr></thead>
  <tbody id="workers"></tbody></table>
  <h2>kills and takeovers</h2>
  <table><thead><tr><th>killed</th><th>worker</th><th>streams</th><th>takeover (protocol time)</th></tr></thead>
  <tbody id="takeovers"></tbody></table>
</section>
<section>
  <h2>streams</h2>
  <form id="search" role="search">
    <input id="q" type="search" placeholder="search name, venue, state or owner" autocomplete="off" maxlength="100">
    <button type="button" id="prev">‹ prev</button>
    <span id="pager" class="muted"></span>
    <button type="button" id="next">next ›</button>
  </form>
  <table><thead><tr><th>stream</th><th>venue</th><th>state</th><th>owner</th><th>down for</th><th>credential age</th><th>next renewal</th><th>reconnects</th><th>gaps</th><th>resyncs</th><th>events</th><th>lag</th><th>mirror</th></tr></thead>
  <tbody id="rows"></tbody></table>
</section>
<p id="error" class="error" hidden></p>
<script src="/ops/assets/uplot.js"></script>
<script src="/ops/assets/ops.js"></script>
</body>
</html>
`;

export const OPS_CSS = `:root { color-scheme: light; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 16px 24px; color: #1d2330; background: #f6f7f9; }
header { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 20px; margin: 0; } h2 { font-size: 15px; margin: 18px 0 6px; }
.muted { color: #667; font-size: 12px; }
.pill { padding: 1px 8px; border-radius: 10px; background: #dde3ec; font-weight: 600; }
.pill.ok { background: #cdeccf; } .pill.degraded { background: #fde9b5; } .pill.down, .pill.stopping { background: #f7c5c5; }
.cards { display: flex; gap: 12px; margin-top: 12px; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card .label { color: #667; font-size: 12px; } .card .value { font-size: 22px; font-weight: 600; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e6e9ee; white-space: nowrap; }
th { background: #eef1f5; font-weight: 600; }
tr.down td { background: #fdeeee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
form { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
input[type=search] { width: 320px; padding: 4px 6px; }
#chart { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; min-height: 220px; }
.error { color: #a00; }
`;

export const OPS_JS = `(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var view = {
    q: params.get('q') || '',
    page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1),
    size: Math.min(200, Math.max(1, parseInt(params.get('size') || '50', 10) || 50)),
    pages: 1
  };
  function $(id) { return document.getElementById(id); }
  function put(id, text) { $(id).textContent = String(text); }
  function duration(ms) {
    if (ms === undefined || ms === null) return '';
    var s = Math.round(ms / 1000);
    if (Math.abs(s) < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm' + String(s % 60).padStart(2, '0') + 's';
    return Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0') + 'm';
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function fail(error) {
    var p = $('error');
    p.hidden = false;
    p.textContent = 'cannot reach the ops server: ' + (error && error.message ? error.message : error);
  }
  function ok() { $('error').hidden = true; }
  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body && body.message ? body.message : 'HTTP ' + res.status);
        return body;
      });
    });
  }

  var chart = null;
  function drawChart(history) {
    var xs = [], reconnects = [], gaps = [], down = [];
    history.forEach(function (p) { xs.push(p.at / 1000); reconnects.push(p.reconnects); gaps.push(p.gaps); down.push(p.down); });
    var data = [xs, reconnects, gaps, down];
    if (typeof uPlot !== 'function') return;
    if (chart) { chart.setData(data); return; }
    var box = $('chart');
    chart = new uPlot({
      width: Math.max(320, box.clientWidth - 2),
      height: 220,
      series: [
        {},
        { label: 'reconnects', stroke: '#2f6fdb', width: 2 },
        { label: 'gaps', stroke: '#d9822b', width: 2, dash: [6, 4] },
        { label: 'streams down', stroke: '#c23030', width: 2 }
      ],
      axes: [{}, { label: 'count', size: 70 }]
    }, data, box);
  }

  function renderSummary(s) {
    put('mode', s.mode === 'fleet' ? 'fleet' : 'one bot');
    var status = $('status');
    status.textContent = s.status;
    status.className = 'pill ' + s.status;
    put('stream-total', s.streams.total);
    put('by-state', Object.keys(s.streams.byState).sort().map(function (k) { return k + ' ' + s.streams.byState[k]; }).join(' · '));
    put('stream-down', s.streams.down);
    put('reconnects', s.streams.reconnects);
    put('gaps', s.streams.gaps);
    put('events', s.streams.events);
    drawChart(s.history);
    var fleet = $('fleet');
    fleet.hidden = !s.fleet;
    if (!s.fleet) return;
    var workers = $('workers');
    workers.textContent = '';
    s.fleet.workers.forEach(function (w) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-worker', w.id);
      if (!w.alive) tr.className = 'down';
      cell(tr, w.id); cell(tr, w.alive ? 'yes' : 'killed'); cell(tr, w.owned, 'num'); cell(tr, w.acquired, 'num');
      cell(tr, w.takeovers, 'num'); cell(tr, w.released, 'num'); cell(tr, w.lost, 'num');
      workers.appendChild(tr);
    });
    var takeovers = $('takeovers');
    takeovers.textContent = '';
    s.fleet.takeovers.slice().reverse().forEach(function (k) {
      var tr = document.createElement('tr');
      cell(tr, new Date(k.at).toISOString().slice(11, 19)); cell(tr, k.worker); cell(tr, k.accounts, 'num');
      cell(tr, k.takeoverMs === null ? 'in progress' : (k.takeoverMs / 1000).toFixed(1) + ' s');
      takeovers.appendChild(tr);
    });
  }

  function renderStreams(p) {
    view.page = p.page;
    view.pages = p.pages;
    var rows = $('rows');
    rows.textContent = '';
    p.rows.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-name', r.name);
      tr.setAttribute('data-state', r.state);
      if (r.downForMs > 0) tr.className = 'down';
      cell(tr, r.name); cell(tr, r.venue); cell(tr, r.state); cell(tr, r.owner);
      cell(tr, r.downForMs > 0 ? duration(r.downForMs) : '', 'num');
      cell(tr, duration(r.credentialAgeMs), 'num'); cell(tr, duration(r.nextRenewalInMs), 'num');
      cell(tr, r.reconnects, 'num'); cell(tr, r.gaps, 'num'); cell(tr, r.reconciliations, 'num');
      cell(tr, r.events, 'num'); cell(tr, r.eventLagMs === undefined ? '' : r.eventLagMs + 'ms', 'num'); cell(tr, r.mirror);
      rows.appendChild(tr);
    });
    var pager = $('pager');
    pager.setAttribute('data-page', String(p.page));
    pager.setAttribute('data-pages', String(p.pages));
    pager.setAttribute('data-matched', String(p.matched));
    pager.textContent = 'page ' + p.page + ' of ' + p.pages + ' · ' + p.matched + ' of ' + p.total + ' stream(s)' + (p.q ? ' matching "' + p.q + '"' : '');
    $('prev').disabled = p.page <= 1;
    $('next').disabled = p.page >= p.pages;
  }

  function loadSummary() { return getJson('/ops/summary').then(renderSummary); }
  function loadStreams() {
    var query = new URLSearchParams({ q: view.q, page: String(view.page), size: String(view.size) });
    return getJson('/ops/streams?' + query.toString()).then(renderStreams);
  }
  function refresh() { return Promise.all([loadSummary(), loadStreams()]).then(ok, fail); }
  function remember() {
    var query = new URLSearchParams();
    if (view.q) query.set('q', view.q);
    if (view.page > 1) query.set('page', String(view.page));
    if (view.size !== 50) query.set('size', String(view.size));
    var text = query.toString();
    history.replaceState(null, '', location.pathname + (text ? '?' + text : ''));
  }

  var input = $('q');
  input.value = view.q;
  var typing = null;
  input.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () { view.q = input.value.trim(); view.page = 1; remember(); loadStreams().then(ok, fail); }, 200);
  });
  $('search').addEventListener('submit', function (e) { e.preventDefault(); });
  $('prev').addEventListener('click', function () { if (view.page > 1) { view.page--; remember(); loadStreams().then(ok, fail); } });
  $('next').addEventListener('click', function () { if (view.page < view.pages) { view.page++; remember(); loadStreams().then(ok, fail); } });

  refresh();
  setInterval(refresh, 2000);
})();
`;
