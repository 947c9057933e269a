// Small DOM helpers. Everything the host sends reaches the page as text nodes or attribute values,
// never as markup, so nothing it says is interpreted as HTML.

/**
 * Creates an element. `props`: `on<event>` functions become listeners, names the element has as a
 * property (value, checked, disabled, ...) are set as properties, the rest as attributes.
 * `children`: nodes, or anything else, which becomes text (null and undefined are skipped).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name in element) {
      element[name] = value;
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** The element with this id (which the page must have). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`the page has no #${id}`);
  }
  return element;
}

/** Replaces the element's children (as `h` takes them). */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
}

/** Shows a one-line message; `kind` is 'ok', 'error' or 'busy' (styled by its data-kind). */
export function say(element, text, kind = 'ok') {
  element.textContent = text;
  element.dataset.kind = kind;
}

/** A number for a table: rates with three decimals, '–' for none. */
export function decimal(value, digits = 3) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Bytes as MB, '–' for none. */
export function megabytes(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${Math.round(value / 1048576)} MB` : '–';
}

/** Runs `action` with `button` disabled meanwhile; reports a failure in `message`. */
export async function busy(button, message, action) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    say(message, error.message, 'error');
  } finally {
    button.disabled = false;
  }
}
