// The Engine page: the server's own /metrics, /health and exploration pool, scraped every few seconds and drawn live.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api } from './api.js';
import { html } from './html.js';
import { byLabel, parseMetrics, quantileBetween, total } from './prometheus.js';
import { Refusal } from './refusal.js';

const SCRAPE_MS = 2000;
const HISTORY = 150; // five minutes of points

/** One point per scrape: the rates and ratios of the interval since the previous scrape. */
function point(before, after, seconds) {
  const delta = (name, where) => total(after, name, where) - total(before, name, where);
  const plays = delta('moteur_events_stored_by_type_total', { type: 'play' });
  const served = delta('moteur_feed_items_total');
  return {
    ingestPerSecond: delta('moteur_events_ingested_total', { status: 'stored' }) / seconds,
    feedP50Ms: 1000 * (quantileBetween(before, after, 'moteur_feed_latency_seconds', 0.5) ?? NaN),
    feedP99Ms: 1000 * (quantileBetween(before, after, 'moteur_feed_latency_seconds', 0.99) ?? NaN),
    pendingEvents: total(after, 'moteur_learning_pending_events'),
    watchRatio: plays > 0 ? delta('moteur_play_watch_ratio_sum') / plays : NaN,
    likesPer100: served > 0 ? (100 * delta('moteur_events_stored_by_type_total', { type: 'like' })) / served : NaN,
    storeMiB: total(after, 'moteur_store_size', { what: 'bytes' }) / 2 ** 20,
    events: total(after, 'moteur_store_size', { what: 'events' }),
  };
}

const CHARTS = [
  { title: 'Ingest (events/s)', series: [['ingestPerSecond', 'stored events/s', '#4aa3ff']] },
  {
    title: 'Feed latency (ms)',
    series: [
      ['feedP50Ms', 'p50', '#56d364'],
      ['feedP99Ms', 'p99', '#f0883e'],
    ],
  },
  { title: 'Learner backlog (events not learned yet)', series: [['pendingEvents', 'pending', '#d2a8ff']] },
  { title: 'Watch ratio of plays', series: [['watchRatio', 'mean watch ratio', '#56d364']] },
  { title: 'Likes per 100 videos served', series: [['likesPer100', 'likes / 100', '#ff7b72']] },
  { title: 'Store size (MiB)', series: [['storeMiB', 'MiB', '#e3b341']] },
];

function Chart({ title, series, times, points }) {
  const box = useRef(null);
  const plot = useRef(null);
  const data = () => [times, ...series.map(([key]) => points.map((p) => (Number.isFinite(p[key]) ? p[key] : null)))];
  useEffect(() => {
    const width = Math.max(260, box.current.clientWidth);
    plot.current = new uPlot(
      {
        width,
        height: 150,
        legend: { show: true },
        // A lone first point would otherwise stretch the time axis over years.
        scales: { x: { time: true, range: (_u, min, max) => (max - min < 10 ? [max - 10, max] : [min, max]) } },
        axes: [
          { stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
          { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, size: 50 },
        ],
        series: [{}, ...series.map(([, label, stroke]) => ({ label, stroke, width: 2, spanGaps: true }))],
      },
      data(),
      box.current,
    );
    return () => plot.current.destroy();
  }, []);
  useEffect(() => plot.current?.setData(data()), [points]);
  const last = points.at(-1);
  const now = last
    ? series.map(([key, label]) => `${label} ${Number.isFinite(last[key]) ? last[key].toFixed(2) : '–'}`).join(', ')
    : 'waiting for the second scrape';
  return html`<figure class="chart" data-testid="chart" data-points=${points.length}><figcaption>${title}: <span class="now">${now}</span></figcaption><div ref=${box} role="img" aria-label=${`${title}, over time`}></div></figure>`;
}

function SourceShares({ samples }) {
  const counts = byLabel(samples, 'moteur_feed_items_total', 'source');
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return html`<section class="panel" data-testid="sources"><h2>Candidate sources' share of served videos</h2>
    ${
      all === 0
        ? html`<p>No feed served yet.</p>`
        : rows.map(
            ([source, n]) => html`<div class="bar-row"><span class="bar-label">${source}</span>
          <span class="bar-track"><span class="bar" style=${`width: ${(100 * n) / all}%`}></span></span>
          <span class="bar-value">${((100 * n) / all).toFixed(1)} %</span></div>`,
          )
    }
  </section>`;
}

function Exploration({ pool }) {
  if (!pool) return null;
  return html`<section class="panel" data-testid="exploration"><h2>Exploration pool</h2>
    <p>${pool.guaranteed} new videos getting their guaranteed audience, ${pool.earning} earning a wider one.</p>
    <table><caption class="visually-hidden">Most served new videos</caption>
      <thead><tr><th scope="col">video</th><th scope="col">tier</th><th scope="col">served</th><th scope="col">watched through</th><th scope="col">likes</th></tr></thead>
      <tbody>${pool.videos.map((v) => html`<tr><td>${v.videoId}</td><td>${v.tier}</td><td>${v.served}</td><td>${v.completions}</td><td>${v.likes}</td></tr>`)}</tbody>
    </table></section>`;
}

export function EnginePage() {
  const [state, setState] = useState({ times: [], points: [], samples: [], health: undefined, pool: undefined });
  const [error, setError] = useState(undefined);
  useEffect(() => {
    let previous;
    let stopped = false;
    const scrape = async () => {
      try {
        const [text, health, pool] = await Promise.all([api('/metrics', { text: true }), api('/health'), api('/v1/exploration?n=10')]);
        const samples = parseMetrics(text);
        const now = Date.now() / 1000;
        setState((s) => {
          const next = { ...s, samples, health, pool };
          if (previous) {
            next.times = [...s.times, now].slice(-HISTORY);
            next.points = [...s.points, point(previous.samples, samples, now - previous.at)].slice(-HISTORY);
          }
          return next;
        });
        previous = { samples, at: now };
        setError(undefined);
      } catch (err) {
        setError(err);
        // A refusal will not change by asking again; an outage might.
        if (err.status === 401 || err.status === 403) stopped = true;
      }
      if (!stopped) timer = setTimeout(scrape, SCRAPE_MS);
    };
    let timer = setTimeout(scrape, 0);
    return () => ((stopped = true), clearTimeout(timer));
  }, []);

  if (error && state.samples.length === 0) return html`<${Refusal} error=${error} />`;
  const { health } = state;
  return html`<section class="engine-page" aria-label="Engine">
    ${error && html`<${Refusal} error=${error} />`}
    ${
      health &&
      html`<p class="health" data-testid="health">
      ${health.videos} videos · learning ${health.learning.settled ? 'settled: every acknowledged event is learned' : `behind by ${health.learning.pendingEvents} events`}
      · item graph ${health.learning.itemGraphUpToDate ? 'up to date' : 'retrain due'} (${health.learning.itemGraphTrainings} trainings)
    </p>`
    }
    <div class="charts">${CHARTS.map((c) => html`<${Chart} key=${c.title} ...${c} times=${state.times} points=${state.points} />`)}</div>
    <div class="columns">
      <${SourceShares} samples=${state.samples} />
      <${Exploration} pool=${state.pool} />
    </div>
  </section>`;
}
