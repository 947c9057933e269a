// The playground: one editing session on the host's default model; edit it, then ask it something
// and compare the base model's answer with the edited one.

import { post, remove, segment } from './api.js';
import { busy, byId, fill, h, say } from './dom.js';

export class Playground {
  /** The open session's id, or null. */
  #session = null;

  constructor() {
    const message = byId('play-message');
    // busy() re-enables the button it ran from: then only what the session allows stays enabled
    const run = (buttonId, action) => busy(byId(buttonId), message, action).finally(() => this.#enable());
    const onSubmit = (formId, buttonId, action) => byId(formId).addEventListener('submit', (event) => {
      event.preventDefault();
      run(buttonId, action);
    });
    onSubmit('play-session-form', 'play-create', () => this.#create());
    onSubmit('play-edit-form', 'play-edit', () => this.#edit());
    onSubmit('play-generate-form', 'play-generate', () => this.#generate());
    byId('play-close').addEventListener('click', () => run('play-close', () => this.#close()));
    this.#showSession(null, '');
  }

  /** The editors to choose from (`/api/editors`). */
  showEditors(editors) {
    const select = byId('play-editor');
    const chosen = select.value;
    fill(select, editors.map((editor) => h('option', { value: editor.name }, editor.name)));
    if (editors.some((editor) => editor.name === chosen)) {
      select.value = chosen;
    }
  }

  async #create() {
    const editor = byId('play-editor').value;
    if (!editor) {
      throw new Error('no editor installed');
    }
    if (this.#session) {
      await this.#close();
    }
    const { id } = await post('/sessions', { editor, name: 'playground' });
    this.#showSession(id, `session ${id} with ${editor}`);
    say(byId('play-message'), 'session open: add an edit, or ask the model something');
  }

  async #close() {
    const id = this.#session;
    this.#showSession(null, '');
    await remove(`/sessions/${segment(id)}`);
    say(byId('play-message'), `session ${id} closed`);
  }

  async #edit() {
    const edit = { prompt: byId('play-prompt').value, target: byId('play-target').value };
    say(byId('play-message'), 'editing…', 'busy');
    const result = await post(`/sessions/${segment(this.#session)}/edits`, { edits: [edit] });
    say(byId('play-message'),
      `batch ${result.batch} done in ${result.seconds.toFixed(2)} s; ${result.edits} edits in this session`);
  }

  async #generate() {
    const request = { prompt: byId('play-query').value, tokens: Number(byId('play-tokens').value) || 8 };
    say(byId('play-message'), 'generating…', 'busy');
    const answer = await post(`/sessions/${segment(this.#session)}/generate`, request);
    byId('play-base').textContent = answer.base;
    byId('play-edited').textContent = answer.edited;
    byId('play-edited').dataset.changed = String(answer.base !== answer.edited);
    say(byId('play-message'), answer.base === answer.edited ? 'same answer' : 'the edit changed the answer');
  }

  #showSession(id, text) {
    this.#session = id;
    byId('play-session').textContent = id ? text : 'no session';
    this.#enable();
  }

  /** Enables what needs a session only while there is one. */
  #enable() {
    for (const button of ['play-close', 'play-edit', 'play-generate']) {
      byId(button).disabled = !this.#session;
    }
  }
}
