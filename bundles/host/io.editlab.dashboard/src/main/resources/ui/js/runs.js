// Starting comparisons (the form) and the table of runs, finished ones side by side per editor.

import { get, post, segment } from './api.js';
import { busy, byId, decimal, fill, h, megabytes, say } from './dom.js';

/** The final values shown per editor, as `[metric, format]`. */
export const COLUMNS = [
  ['reliability', decimal], ['generalization', decimal], ['locality', decimal], ['retention', decimal],
  ['portability', decimal], ['seconds_per_edit', decimal], ['peak_memory_bytes', megabytes],
];

/** The "Start a comparison" form. `onStarted(id)` hears about each run it created. */
export class RunForm {
  #onStarted;

  constructor(onStarted) {
    this.#onStarted = onStarted;
    byId('start-run').addEventListener('submit', (event) => {
      event.preventDefault();
      busy(byId('run-submit'), byId('run-message'), () => this.#start());
    });
  }

  /** One checkbox per editor (`/api/editors`), keeping what was ticked. */
  showEditors(editors) {
    const ticked = new Set(this.#tickedEditors());
    fill(byId('run-editors'), editors.length === 0 ? h('span', { class: 'muted' }, 'no editor installed')
      : editors.map((editor) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'editor', value: editor.name, checked: ticked.has(editor.name) }),
        ` ${editor.name}`)));
  }

  /** The models the host has loaded (`/api/models`); the page starts with `builtin` alone. */
  showModels(models) {
    if (models.length === 0) {
      return;
    }
    const select = byId('run-model');
    const chosen = select.value;
    fill(select, models.map((model) => h('option', { value: model.id }, model.id)));
    if (models.some((model) => model.id === chosen)) {
      select.value = chosen;
    }
  }

  /** After the page's `file` and `shuffle` orders, one `plan:NAME` per planner (`/api/planners`). */
  showPlanners(planners) {
    const select = byId('run-order');
    const chosen = select.value;
    select.querySelectorAll('option[value^="plan:"]').forEach((option) => option.remove());
    select.append(...planners.map((planner) => h('option', { value: `plan:${planner.name}` }, `plan: ${planner.name}`)));
    select.value = [...select.options].some((option) => option.value === chosen) ? chosen : 'file';
  }

  #tickedEditors() {
    return [...byId('run-editors').querySelectorAll('input[name=editor]:checked')].map((box) => box.value);
  }

  async #start() {
    const editors = this.#tickedEditors();
    if (editors.length === 0) {
      throw new Error('tick at least one editor');
    }
    const number = (id) => Number(byId(id).value);
    const spec = {
      model: byId('run-model').value,
      data: byId('run-data').value.trim(),
      editors,
      edits: number('run-edits'),
      batch: number('run-batch'),
      checkpoint: number('run-checkpoint'),
      seed: number('run-seed'),
      eval: byId('run-eval').value,
      order: byId('run-order').value,
      rephrasings: byId('run-rephrasings').value,
      config: parseConfig(byId('run-config').value),
    };
    say(byId('run-message'), 'starting…', 'busy');
    const { id } = await post('/runs', spec);
    say(byId('run-message'), `run ${id} started`);
    this.#onStarted(id);
  }
}

/** `editor.key=value` lines -> `{editor: {key: value}}`. */
function parseConfig(text) {
  const config = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const match = /^([^.=\s]+)\.([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new Error(`configuration line "${line}" is not editor.key=value`);
    }
    const [, editor, key, value] = match;
    config[editor] = { ...config[editor], [key]: value };
  }
  return config;
}

/** The runs table. `onShow(id)` is asked to show a run's charts. */
export class RunsTable {
  /** id -> the run with its results, for runs that ended (they never change again) */
  #ended = new Map();
  #onShow;

  constructor(onShow) {
    this.#onShow = onShow;
    byId('runs-refresh').addEventListener('click', () => this.refresh());
  }

  /** Reloads the runs (newest first) and returns them. */
  async refresh() {
    const message = byId('runs-message');
    try {
      const runs = (await get('/runs')).sort((a, b) => String(b.created).localeCompare(String(a.created)));
      const detailed = await Promise.all(runs.map((run) => this.#details(run)));
      fill(byId('runs-table').tBodies[0], detailed.length === 0
        ? h('tr', {}, h('td', { colSpan: 13, class: 'muted' }, 'no runs yet'))
        : detailed.flatMap((run) => runRows(run, this.#onShow)));
      say(message, '');
      return runs;
    } catch (error) {
      say(message, `cannot list the runs: ${error.message}`, 'error');
      return [];
    }
  }

  async #details(run) {
    if (run.status !== 'finished') {
      return run;
    }
    if (!this.#ended.has(run.id)) {
      this.#ended.set(run.id, await get(`/runs/${segment(run.id)}`));
    }
    return this.#ended.get(run.id);
  }
}

/** A finished run gives one row per editor; any other run one row with its state. */
function runRows(run, onShow) {
  const editors = run.results?.editors ?? [];
  const span = Math.max(editors.length, 1);
  const head = [
    h('td', { rowSpan: span, class: 'run-id' }, run.id),
    h('td', { rowSpan: span, class: 'protocol' }, protocol(run)),
  ];
  const show = h('td', { rowSpan: span },
    h('button', { type: 'button', class: 'small', onclick: () => onShow(run.id) }, 'charts'));
  if (editors.length === 0) {
    const state = run.error ? `${run.status}: ${run.error}` : progressText(run);
    return [h('tr', { 'data-run': run.id, 'data-status': run.status },
      head, h('td', { colSpan: 10, class: 'state' }, state), show)];
  }
  return editors.map((editor, index) => h('tr', { 'data-run': run.id, 'data-editor': editor.name },
    index === 0 ? head : null,
    h('td', {}, editor.name),
    h('td', {}, editor.version ?? ''),
    h('td', { 'data-status': editor.status }, editor.error ? `${editor.status}: ${editor.error}` : editor.status),
    COLUMNS.map(([metric, format]) => h('td', {
      class: 'num', 'data-metric': metric, 'data-value': editor.final?.[metric] ?? '',
    }, format(editor.final?.[metric]))),
    index === 0 ? show : null));
}

function progressText(run) {
  const progress = run.progress;
  return progress ? `${run.status}: ${progress.stage} (${progress.done} / ${progress.total})` : run.status;
}

/** The protocol in words: from the results once finished, else from the request. */
function protocol(run) {
  const results = run.results;
  if (results) {
    const p = results.protocol;
    return [
      `${results.model?.id} on ${results.dataset?.path}`, `T=${p.edits}`, `batch ${p.batch}`,
      `${p.planner ? `plan:${p.planner}` : p.order} order`, `eval ${p.eval}`, `rephrasings ${p.rephrasings}`,
      `checkpoint every ${p.checkpoint_every}`, `seed ${p.seed}`, `${decimal(results.seconds, 0)} s`,
    ].join(', ');
  }
  const spec = run.spec ?? {};
  return [
    `${spec.model ?? 'builtin'} on ${spec.data ?? 'builtin'}`, `editors ${(spec.editors ?? []).join(' ')}`,
    spec.edits && `T=${spec.edits}`, spec.batch && `batch ${spec.batch}`, spec.order && `${spec.order} order`,
    spec.eval && `eval ${spec.eval}`,
  ].filter(Boolean).join(', ');
}
