// A grid's merged report (./editlab grid collect writes OUT/results.json) or a bench results.json,
// opened from a file on this computer: read in the browser, never sent to the host.

import { byId, fill, h, say } from './dom.js';
import { COLUMNS } from './runs.js';

/** The "Grid report" card. */
export class GridReport {
  constructor() {
    byId('grid-file').addEventListener('change', (event) => this.open(event.target.files[0]));
  }

  async open(file) {
    const message = byId('grid-message');
    if (!file) {
      return;
    }
    let report;
    try {
      report = JSON.parse(await file.text());
    } catch (error) {
      say(message, `${file.name}: not JSON (${error.message})`, 'error');
      return;
    }
    if (!Array.isArray(report?.editors)) {
      say(message, `${file.name}: not a results.json of EditLab (no "editors" list)`, 'error');
      return;
    }
    const rows = report.grid ? report.editors : report.editors.map((editor) => ({
      ...editor, model: report.model, dataset: report.dataset, protocol: report.protocol,
    }));
    fill(byId('grid-table').tBodies[0], rows.map(row));
    const grid = report.grid;
    say(message, grid
      ? `grid ${grid.name}: ${grid.finished} of ${grid.cells} cells finished`
        + (grid.failed.length ? `; failed: ${grid.failed.map((p) => `cell ${p.index} (${p.reason})`).join(', ')}` : '')
        + (grid.missing.length ? `; missing: cells ${grid.missing.map((p) => p.index).join(', ')}` : '')
        + '. Each value: mean ± sample standard deviation over the seeds.'
      : `${file.name}: one comparison, ${rows.length} editors`);
  }
}

function row(editor) {
  const p = editor.protocol ?? {};
  const seeds = p.seeds ?? (p.seed === undefined ? [] : [p.seed]);
  const setting = [
    editor.variant && editor.variant !== 'default' ? editor.variant : null,
    `${editor.model?.id} on ${editor.dataset?.path}`, `T=${p.edits}`, `batch ${p.batch}`,
    p.order && `${p.planner ? `plan:${p.planner}` : p.order} order`, `eval ${p.eval}`,
  ].filter(Boolean).join(', ');
  return h('tr', { 'data-editor': editor.name },
    h('td', {}, editor.name),
    h('td', { class: 'protocol' }, setting),
    h('td', {}, seeds.join(' ')),
    h('td', { 'data-status': editor.status }, editor.error ? `${editor.status}: ${editor.error}` : editor.status),
    COLUMNS.map(([metric, format]) => {
      const std = editor.final?.[`${metric}_std`];
      const text = format(editor.final?.[metric]);
      return h('td', { class: 'num', 'data-metric': metric, 'data-value': editor.final?.[metric] ?? '' },
        typeof std === 'number' ? `${text} ± ${format(std)}` : text);
    }));
}
