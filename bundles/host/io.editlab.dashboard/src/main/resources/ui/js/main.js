// Wires the dashboard's parts together: token, host health, plugins, runs, grid reports and the playground.

import { adoptTokenFromFragment, get, onRefusedToken, setToken, token } from './api.js';
import { byId, megabytes, say } from './dom.js';
import { GridReport } from './grid.js';
import { LiveRun } from './live.js';
import { Playground } from './playground.js';
import { Plugins } from './plugins.js';
import { RunForm, RunsTable } from './runs.js';

const HEALTH_EVERY_MS = 15000;

adoptTokenFromFragment();
showToken();
byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(byId('token-input').value);
  byId('token-input').value = '';
  byId('auth-message').hidden = true;
  showToken();
});
onRefusedToken((message) => {
  const banner = byId('auth-message');
  banner.textContent = `The host refused the request (401: ${message}). Paste the token that `
    + '"./editlab serve" printed (the file token in its data folder) into the Token field and save.';
  banner.hidden = false;
});

const live = new LiveRun(() => table.refresh());
const table = new RunsTable((id) => live.follow(id));
const form = new RunForm(async (id) => {
  live.follow(id);
  await table.refresh();
});
const playground = new Playground();
new GridReport(); // listens to its file input
const plugins = new Plugins((editors) => {
  form.showEditors(editors);
  playground.showEditors(editors);
});

await Promise.all([plugins.refresh(), loadChoices(), showHealth()]);
setInterval(showHealth, HEALTH_EVERY_MS);
// the charts show the run going on, else the next queued one, else the newest (runs are newest
// first); unless a run was started from the form meanwhile
const runs = await table.refresh();
const shown = runs.find((run) => run.status === 'running') ?? runs.findLast((run) => run.status === 'queued') ?? runs[0];
if (shown && live.runId === null) {
  live.follow(shown.id);
}

/** Models and planners for the run form. */
async function loadChoices() {
  try {
    const [models, planners] = await Promise.all([get('/models'), get('/planners')]);
    form.showModels(models);
    form.showPlanners(planners);
  } catch (error) {
    say(byId('run-message'), `cannot list models and planners: ${error.message}`, 'error');
  }
}

async function showHealth() {
  const health = byId('health');
  try {
    const host = await get('/health');
    say(health, `host ${host.status}, up ${duration(host.uptime_seconds)}, heap ${megabytes(host.heap_used_bytes)},`
      + ` model ${host.default_model}`);
  } catch (error) {
    say(health, `host unreachable: ${error.message}`, 'error');
  }
}

function showToken() {
  say(byId('token-status'), token() ? 'token saved' : 'no token: changes will be refused', token() ? 'ok' : 'error');
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes < 1 ? `${Math.round(seconds)} s` : minutes < 60 ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
