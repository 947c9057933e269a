// Installed bundles (install or update by uploading a jar, uninstall) and the editors they provide.

import { call, get, remove, segment } from './api.js';
import { byId, fill, h, say } from './dom.js';

/** A bundle's services may register a moment after it started: look again after this long. */
const SETTLE_MS = 1500;

export class Plugins {
  #onEditors;
  /** The bundles last listed, for telling an install from an update. */
  #bundles = [];

  /** `onEditors(editors)` hears the editors list each time it is loaded. */
  constructor(onEditors) {
    this.#onEditors = onEditors;
    byId('plugins-refresh').addEventListener('click', () => this.refresh());
    byId('bundle-upload').addEventListener('change', (event) => this.#upload(event.target));
  }

  /** Reloads bundles and editors. */
  async refresh() {
    await Promise.all([this.#loadBundles(), this.#loadEditors()]);
  }

  async #loadBundles() {
    try {
      this.#bundles = await get('/bundles');
      fill(byId('bundles-table').tBodies[0], this.#bundles.map((bundle) => bundleRow(bundle, () => this.#uninstall(bundle))));
    } catch (error) {
      say(byId('bundle-message'), `cannot list the bundles: ${error.message}`, 'error');
    }
  }

  async #loadEditors() {
    try {
      const editors = await get('/editors');
      fill(byId('editors-list').tBodies[0], editors.length === 0
        ? h('tr', {}, h('td', { colSpan: 5, class: 'muted' }, 'no editor installed'))
        : editors.map(editorRow));
      this.#onEditors(editors);
    } catch (error) {
      say(byId('bundle-message'), `cannot list the editors: ${error.message}`, 'error');
    }
  }

  async #upload(input) {
    const file = input.files[0];
    if (!file) {
      return;
    }
    const message = byId('bundle-message');
    input.disabled = true;
    say(message, `uploading ${file.name}…`, 'busy');
    try {
      const bundle = await call('POST', '/bundles', file, 'application/java-archive');
      const updated = this.#bundles.some((known) => known.name === bundle.name);
      say(message, `${updated ? 'updated' : 'installed'} ${bundle.name} ${bundle.version} (bundle ${bundle.id}, ${bundle.state})`);
      await this.refresh();
      setTimeout(() => this.refresh(), SETTLE_MS);
    } catch (error) {
      say(message, `${file.name}: ${error.message}`, 'error');
    } finally {
      input.value = ''; // choosing the same file again is a new change
      input.disabled = false;
    }
  }

  async #uninstall(bundle) {
    if (!confirm(`Uninstall ${bundle.name} ${bundle.version}?`)) {
      return;
    }
    const message = byId('bundle-message');
    try {
      await remove(`/bundles/${segment(bundle.id)}`);
      say(message, `uninstalled ${bundle.name}`);
    } catch (error) {
      say(message, `cannot uninstall ${bundle.name}: ${error.message}`, 'error');
    }
    await this.refresh();
  }
}

function bundleRow(bundle, uninstall) {
  return h('tr', { 'data-bundle': bundle.name, 'data-state': bundle.state },
    h('td', { class: 'num' }, bundle.id),
    h('td', { title: bundle.location ?? '' }, bundle.name),
    h('td', {}, bundle.version),
    h('td', {}, bundle.state),
    h('td', {}, bundle.core ? h('span', { class: 'muted', title: 'the host needs it' }, 'core')
      : h('button', { type: 'button', class: 'small', onclick: uninstall }, 'uninstall')));
}

function editorRow(editor) {
  const settings = (editor.config ?? []).map((option) =>
    h('span', { class: 'setting', title: `${option.name ?? option.id}: ${option.description ?? ''} (default ${(option.default ?? []).join(', ')})` }, option.id));
  return h('tr', { 'data-editor': editor.name },
    h('td', {}, editor.name),
    h('td', {}, editor.bundle),
    h('td', {}, editor.version),
    h('td', {}, editor.state),
    h('td', { class: 'settings' }, settings));
}
