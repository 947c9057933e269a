// The current run: its progress and one chart per metric against the number of edits (a line per
// editor), fed by the run's event stream. The host replays past checkpoints on connect, so
// following a run that is halfway, or long finished, draws the same charts.

import { post, segment } from './api.js';
import { busy, byId, decimal, fill, h, say } from './dom.js';

/** The metrics charted, in this order (a chart appears with its first value). */
const CHARTED = ['reliability', 'generalization', 'locality', 'retention', 'portability', 'seconds_per_edit'];
/** Metrics that are fractions, drawn on a fixed 0..1 axis. */
const RATES = new Set(['reliability', 'generalization', 'locality', 'retention', 'portability']);
/** Run states after which nothing more happens. */
const ENDED = new Set(['finished', 'failed', 'cancelled', 'interrupted']);
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export class LiveRun {
  #runId = null;
  #source = null;
  /** metric -> { chart, legend, figure } */
  #charts = new Map();
  /** editor -> colour, shared by all charts of the run */
  #colours = new Map();
  #onEnded;

  /** `onEnded()` is called once the followed run has ended. */
  constructor(onEnded) {
    this.#onEnded = onEnded;
    byId('run-cancel').addEventListener('click', () => this.#cancel());
  }

  /** The id of the run followed, or null before the first. */
  get runId() {
    return this.#runId;
  }

  /** Starts following run `id`, forgetting the previous one. */
  follow(id) {
    this.#source?.close();
    this.#charts.forEach(({ chart }) => chart.destroy());
    this.#charts.clear();
    this.#colours.clear();
    fill(byId('charts'));
    fill(byId('run-log'));
    this.#runId = id;
    byId('live-run').textContent = id;
    byId('run-cancel').hidden = false;
    this.#showProgress({ stage: 'connecting…', done: 0, total: 0 });

    const source = new EventSource(`/api/runs/${segment(id)}/events`);
    const on = (name, handler) => source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
    on('progress', (progress) => this.#showProgress(progress));
    on('checkpoint', (checkpoint) => this.#addCheckpoint(checkpoint));
    on('editor', (report) => this.#logEditor(report));
    on('status', ({ status }) => this.#showStatus(status));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        say(byId('run-stage'), 'lost the connection to the host', 'error');
      }
    });
    this.#source = source;
  }

  #showProgress({ stage, done, total }) {
    const bar = byId('run-progress');
    bar.max = Math.max(total, 1);
    bar.value = done;
    say(byId('run-stage'), total > 0 ? `${stage} (${done} / ${total})` : stage, 'busy');
  }

  #showStatus(status) {
    const kind = status === 'finished' ? 'ok' : ENDED.has(status) ? 'error' : 'busy';
    say(byId('run-stage'), status, kind);
    byId('live').dataset.status = status;
    if (!ENDED.has(status)) {
      return;
    }
    this.#source.close();
    byId('run-cancel').hidden = true;
    if (status === 'finished') {
      const bar = byId('run-progress');
      bar.value = bar.max;
    }
    this.#onEnded();
  }

  #addCheckpoint({ editor, edits, values }) {
    for (const metric of CHARTED) {
      const value = values[metric];
      if (typeof value === 'number' && Number.isFinite(value)) {
        this.#addPoint(metric, editor, edits, value);
      }
    }
  }

  #addPoint(metric, editor, edits, value) {
    const { chart, legend } = this.#charts.get(metric) ?? this.#addChart(metric);
    let dataset = chart.data.datasets.find((d) => d.label === editor);
    if (!dataset) {
      const colour = this.#colour(editor);
      // unclipped: points on the 0 and 1 edges of a rate chart stay whole
      dataset = { label: editor, data: [], borderColor: colour, backgroundColor: colour, clip: false };
      chart.data.datasets.push(dataset);
    }
    // a reconnect replays checkpoints: a point at the same number of edits replaces the old one
    dataset.data = dataset.data.filter((point) => point.x !== edits);
    dataset.data.push({ x: edits, y: value });
    dataset.data.sort((a, b) => a.x - b.x);
    chart.update('none');
    showLegend(legend, chart.data.datasets);
  }

  #addChart(metric) {
    const canvas = h('canvas', { 'data-metric': metric, role: 'img', 'aria-label': `${metric} against edits` });
    const legend = h('ul', { class: 'legend', 'data-metric': metric });
    const figure = h('figure', { class: 'chart', 'data-metric': metric },
      h('figcaption', {}, metric.replaceAll('_', ' ')), h('div', { class: 'plot' }, canvas), legend);
    const chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'edits' }, ticks: { precision: 0 } },
          y: RATES.has(metric) ? { min: 0, max: 1 } : { beginAtZero: true },
        },
      },
    });
    this.#charts.set(metric, { chart, legend, figure });
    // keep the charts in CHARTED order whatever order their first values came in
    const container = byId('charts');
    for (const name of CHARTED) {
      const entry = this.#charts.get(name);
      if (entry) {
        container.append(entry.figure);
      }
    }
    return this.#charts.get(metric);
  }

  #colour(editor) {
    if (!this.#colours.has(editor)) {
      this.#colours.set(editor, PALETTE[this.#colours.size % PALETTE.length]);
    }
    return this.#colours.get(editor);
  }

  #logEditor(report) {
    const final = report.final ?? {};
    const values = ['reliability', 'generalization', 'locality', 'retention']
      .map((metric) => `${metric} ${decimal(final[metric])}`).join(', ');
    const line = report.error ? `${report.name}: ${report.status}: ${report.error}`
      : `${report.name}: ${report.status}, ${values}`;
    byId('run-log').append(h('li', { 'data-editor': report.name, 'data-status': report.status }, line));
  }

  #cancel() {
    const stage = byId('run-stage');
    return busy(byId('run-cancel'), stage, async () => {
      await post(`/runs/${segment(this.#runId)}/cancel`);
      say(stage, 'cancelling…', 'busy');
    });
  }
}

/** One legend entry per editor, with its colour and its number of points (`data-points`). */
function showLegend(legend, datasets) {
  fill(legend, datasets.map((dataset) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.backgroundColor = dataset.borderColor;
    return h('li', { 'data-editor': dataset.label, 'data-points': dataset.data.length },
      swatch, dataset.label, h('span', { class: 'muted' }, ` ${dataset.data.length} points`));
  }));
}
