// The demo's web console: polls /api/frame once a second and draws it. No framework: the page
// must work offline from the demo's own jar, with ECharts from its webjar.
'use strict';

window.fieldlineErrors = [];
window.fieldlineFrames = 0;
window.addEventListener('error', (event) => window.fieldlineErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  window.fieldlineErrors.push('unhandled: ' + String(event.reason)));

const charts = {};
const previous = {}; // region -> {at, regional, exported, globalIn}, for the arrows' rates
let exampleAsked = false;

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id));
  }
  return charts[id];
}

// Each frame replaces a chart's whole option (series and categories come and go), without
// animation: a live view, redrawn every second.
function plot(id, option) {
  chart(id).setOption(Object.assign({ animation: false }, option), true);
}

function text(value, digits) {
  if (value === null || value === undefined) {
    return '-';
  }
  if (typeof value === 'number' && digits !== undefined) {
    return value.toFixed(digits);
  }
  return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
}

function cell(row, value, numeric) {
  const td = document.createElement('td');
  td.textContent = value;
  if (numeric) {
    td.className = 'num';
  }
  row.appendChild(td);
  return td;
}

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function field(name, value) {
  return `<span data-field="${name}">${escape(value)}</span>`;
}

function perSecond(region, name, value, now) {
  const last = previous[region];
  if (!last || now <= last.at) {
    return '-';
  }
  return ((value - last[name]) / ((now - last.at) / 1000)).toFixed(1);
}

function drawPipelines(frame) {
  const host = document.getElementById('pipelines');
  host.innerHTML = '';
  const now = Date.now();
  for (const r of frame.regions) {
    const rates = {
      regional: perSecond(r.region, 'regional', r.regional, now),
      exported: perSecond(r.region, 'exported', r.exported, now),
      globalIn: perSecond(r.region, 'globalIn', r.globalIn, now),
    };
    previous[r.region] = { at: now, regional: r.regional, exported: r.exported, globalIn: r.globalIn };
    const applied = r.features.length === 0 ? 'none yet'
      : `${r.features.length}, newest v${Math.max(...r.features.map((f) => f.version))}`;
    const div = document.createElement('div');
    div.className = 'pipeline';
    div.dataset.region = r.region;
    div.innerHTML =
      `<span class="name">${escape(r.region)}</span>` +
      `<div class="box"><b>devices</b>${field('sent-per-s', text(r.sentPerSecond, 0))} readings/s</div>` +
      `<div class="arrow">${field('edge-in-per-s', text(r.edgeInPerSecond, 0))}/s in</div>` +
      `<div class="box"><b>edge agent</b>accepted ${field('accepted', text(r.accepted))}<br>` +
      `rejected ${field('rejected', text(r.rejected))}, filtered ${field('filtered', text(r.filtered))}<br>` +
      `decisions ${field('decisions', text(r.decisions))}<br>` +
      `p50 ${field('p50', text(r.p50Ms, 2))} / p99 ${field('p99', text(r.p99Ms, 2))} ms</div>` +
      `<div class="arrow">journal ${field('journal', text(r.journal))}<br>` +
      `consumer lag ${field('summaries-lag', text(r.summariesLag))}</div>` +
      `<div class="box"><b>regional aggregator</b>aggregates ${field('regional', text(r.regional))}` +
      `<br>${rates.regional}/s</div>` +
      `<div class="arrow">exported ${field('exported', text(r.exported))}, ${rates.exported}/s<br>` +
      `consumer lag ${field('export-lag', text(r.exportLag))}</div>` +
      `<div class="box"><b>global job</b>copies in this region ${field('global-in', text(r.globalIn))}` +
      `<br>${rates.globalIn}/s</div>` +
      `<div class="arrow">replication lag p99 ${text(frame.replicationLag.p99Ms)} ms</div>` +
      `<div class="box"><b>features back to the edge</b>applied ${applied}<br>` +
      `z-score decisions ${field('zscore', text(r.zscoreDecisions))}</div>`;
    host.appendChild(div);
  }
}

function drawLatency(frame) {
  plot('latency-chart', {
    tooltip: { trigger: 'axis' },
    legend: { top: 4 },
    grid: { left: 50, right: 20, top: 36, bottom: 30 },
    xAxis: { type: 'category', name: 'percentile', nameLocation: 'middle', nameGap: 22,
      data: ['50', '75', '90', '95', '99', '99.5', '99.9', 'max'] },
    yAxis: { type: 'value', name: 'ms' },
    series: frame.regions.map((r) => ({
      name: r.region, type: 'line', data: r.latencyPercentiles.map((p) => p[1]),
    })),
  });
}

function drawLag(history) {
  plot('lag-chart', {
    tooltip: { trigger: 'axis' },
    legend: { top: 4 },
    grid: { left: 50, right: 20, top: 36, bottom: 30 },
    xAxis: { type: 'value', name: 's', min: 'dataMin' },
    yAxis: { type: 'value', name: 'ms' },
    series: [
      { name: 'p50', type: 'line', showSymbol: false, data: history.map((p) => [p.second, p.p50Ms]) },
      { name: 'p99', type: 'line', showSymbol: false, data: history.map((p) => [p.second, p.p99Ms]) },
    ],
  });
}

function drawRejects(frame) {
  const filtered = {};
  for (const r of frame.regions) {
    for (const [reason, count] of Object.entries(r.filteredByReason)) {
      filtered[reason] = (filtered[reason] || 0) + count;
    }
  }
  const rejected = Object.keys(frame.rejectsByReason).filter((k) => frame.rejectsByReason[k] > 0).sort();
  const filters = Object.keys(filtered).filter((k) => filtered[k] > 0).sort();
  const reasons = rejected.concat(filters);
  plot('rejects-chart', {
    tooltip: {},
    legend: { top: 2 },
    grid: { left: 110, right: 20, top: 28, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: reasons },
    series: [
      { name: 'rejected', type: 'bar', stack: 'r',
        data: reasons.map((k) => (rejected.includes(k) ? frame.rejectsByReason[k] : null)) },
      { name: 'filtered', type: 'bar', stack: 'r',
        data: reasons.map((k) => (filters.includes(k) ? filtered[k] : null)) },
    ],
  });
}

function drawResidency(frame) {
  const body = document.querySelector('#residency tbody');
  body.innerHTML = '';
  const line = (region, where, sites) => {
    const row = document.createElement('tr');
    row.dataset.region = region;
    row.dataset.where = where;
    cell(row, region);
    cell(row, where);
    cell(row, sites.count === 0 ? '(none yet)'
      : sites.sample.join(', ') + (sites.count > sites.sample.length ? ', …' : ''));
    cell(row, sites.count, true);
    body.appendChild(row);
  };
  for (const r of frame.residency) {
    line(r.region, 'inside ' + r.region, r.inside);
    for (const [other, sites] of Object.entries(r.heldBy)) {
      line(r.region, 'in ' + other + "'s global view", sites);
    }
  }
}

function percent(share) {
  return share === null || share === undefined ? '-' : Math.round(100 * share) + '%';
}

function drawQuality(frame) {
  const body = document.querySelector('#quality tbody');
  body.innerHTML = '';
  for (const r of frame.regions) {
    const q = r.anomalyDetection;
    for (const k of q.kinds) {
      const row = document.createElement('tr');
      cell(row, r.region);
      cell(row, k.kind);
      cell(row, k.episodes, true);
      cell(row, k.detected, true);
      cell(row, percent(k.recall), true);
      cell(row, text(k.delayP50Ms), true);
      cell(row, text(k.delayP95Ms), true);
      cell(row, `${k.detectedInWarmUp}/${k.inWarmUp}`, true);
      body.appendChild(row);
    }
    total(body, r.region, 'all', q, 'total');
    // The same rules as shadows with the global features withheld: what the loop adds.
    total(body, r.region, 'without features', r.anomalyDetectionWithoutFeatures, 'total withheld');
  }
}

function total(body, region, label, q, className) {
  const row = document.createElement('tr');
  row.className = className;
  cell(row, region);
  cell(row, label);
  cell(row, q.episodes, true);
  cell(row, q.detected, true);
  cell(row, percent(q.recall), true);
  cell(row, `${q.decisions} decisions, ${q.outsideEpisodes} outside any episode: precision ${percent(q.precision)}`)
    .colSpan = 2;
  cell(row, `${q.detectedInWarmUp}/${q.inWarmUp}`, true);
  body.appendChild(row);
}

function drawFeatures(frame) {
  const body = document.querySelector('#features tbody');
  body.innerHTML = '';
  for (const r of frame.regions) {
    for (const f of r.features) {
      const row = document.createElement('tr');
      cell(row, r.region);
      cell(row, f.key);
      cell(row, 'v' + f.version, true);
      cell(row, text(f.mean, 2), true);
      cell(row, text(f.stddev, 2), true);
      cell(row, new Date(f.computedAt).toLocaleTimeString('en-GB'));
      cell(row, f.appliedAt === null ? 'at start (saved)'
        : new Date(f.appliedAt).toLocaleTimeString('en-GB') + ` (+${f.appliedAt - f.computedAt} ms)`);
      body.appendChild(row);
    }
  }
}

function drawReconciliation(frame) {
  const body = document.querySelector('#reconciliation tbody');
  if (frame.reconciliation.length === 0 || body.children.length > 0) {
    return;
  }
  for (const r of frame.reconciliation) {
    const row = document.createElement('tr');
    row.dataset.state = r.state;
    cell(row, r.region);
    cell(row, r.check);
    cell(row, r.leftName);
    cell(row, r.left.toLocaleString('en-US'), true);
    cell(row, r.rightName);
    cell(row, r.right.toLocaleString('en-US'), true);
    cell(row, r.state);
    body.appendChild(row);
  }
  document.getElementById('verdict').textContent = frame.verdict;
}

async function askExampleReading() {
  if (exampleAsked || document.getElementById('trace-device').value) {
    return;
  }
  let reply;
  try {
    reply = await fetch('/api/example-reading');
  } catch (e) {
    return; // the demo has ended
  }
  if (reply.ok) {
    const reading = await reply.json();
    exampleAsked = true;
    document.getElementById('trace-device').value = reading.device;
    document.getElementById('trace-seq').value = reading.seq;
    document.getElementById('trace-message').textContent =
      'a traced reading that reached every region: press show';
  }
}

async function showReading(event) {
  event.preventDefault();
  const device = document.getElementById('trace-device').value.trim();
  const seq = document.getElementById('trace-seq').value.trim();
  const message = document.getElementById('trace-message');
  const reply = await fetch('/api/reading?device=' + encodeURIComponent(device) +
    '&seq=' + encodeURIComponent(seq));
  const body = await reply.json();
  const table = document.querySelector('#trace-steps tbody');
  table.innerHTML = '';
  if (!reply.ok) {
    message.textContent = body.error;
    return;
  }
  if (body.steps.length === 0) {
    message.textContent = `no trace of ${device} #${seq} (not sampled, not received yet, or too old)`;
    return;
  }
  message.textContent = `${body.steps.length} spans of ${device} #${seq}`;
  for (const s of body.steps) {
    const row = document.createElement('tr');
    row.dataset.tier = s.tier;
    row.dataset.region = s.region;
    cell(row, s.tier);
    cell(row, s.region);
    cell(row, s.span);
    cell(row, s.atMs.toFixed(1), true);
    cell(row, s.tookMs.toFixed(2), true);
    cell(row, s.trace + (s.from ? ' (from ' + s.from + ')' : ''));
    table.appendChild(row);
  }
  const labels = body.steps.map((s) => `${s.tier} ${s.region} ${s.span}`);
  const end = Math.max(...body.steps.map((s) => s.atMs + s.tookMs));
  const waterfall = document.getElementById('waterfall');
  waterfall.style.height = (60 + 18 * body.steps.length) + 'px';
  chart('waterfall').resize();
  // A span of a few microseconds still gets a visible bar: a 300th of the whole path.
  const shortest = end / 300;
  plot('waterfall', {
    tooltip: { formatter: (p) => `${escape(labels[p.dataIndex])}: at ${body.steps[p.dataIndex].atMs.toFixed(1)} ms` },
    grid: { left: 230, right: 30, top: 10, bottom: 30 },
    xAxis: { type: 'value', name: 'ms after the reading arrived', nameLocation: 'middle', nameGap: 20,
      min: Math.floor(Math.min(0, ...body.steps.map((s) => s.atMs))), max: Math.ceil(end) },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { interval: 0 } },
    series: [
      { type: 'bar', stack: 'w', itemStyle: { color: 'transparent' }, data: body.steps.map((s) => s.atMs) },
      { type: 'bar', stack: 'w', data: body.steps.map((s) => Math.max(s.tookMs, shortest)),
        itemStyle: { color: (p) => ({ edge: '#0b5cad', regional: '#2da44e', global: '#bf8700' })[body.steps[p.dataIndex].tier] || '#57606a' } },
    ],
  });
}

function draw(body) {
  const frame = body.frame;
  const phase = document.getElementById('phase');
  phase.textContent = frame.phase;
  phase.className = 'phase ' + frame.phase;
  document.getElementById('elapsed').textContent = `${frame.elapsedSeconds} s / ${frame.totalSeconds} s`;
  drawPipelines(frame);
  drawLatency(frame);
  drawLag(body.lagHistory);
  drawRejects(frame);
  drawFeatures(frame);
  drawQuality(frame);
  drawResidency(frame);
  drawReconciliation(frame);
  window.fieldlineFrames++;
}

async function poll() {
  let body = null;
  try {
    const reply = await fetch('/api/frame');
    body = reply.ok ? await reply.json() : null;
  } catch (e) {
    // The demo has ended and its server with it: keep what the page shows.
    document.getElementById('phase').textContent = 'demo stopped';
  }
  try {
    if (body) {
      draw(body);
      await askExampleReading();
    }
  } catch (e) {
    window.fieldlineErrors.push(String(e && e.stack ? e.stack : e));
  }
  setTimeout(poll, 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('trace-form').addEventListener('submit', showReading);
  poll();
});
