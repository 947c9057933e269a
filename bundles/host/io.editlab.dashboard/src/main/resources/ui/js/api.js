// The host's REST API (see the API contract): JSON in and out, the bearer token on every call that
// changes something, and one place that hears about refused tokens.

const TOKEN_KEY = 'editlab.token';

/** The stored token, or '' when there is none. */
export function token() {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

/** Stores the token (an empty one removes it). */
export function setToken(value) {
  const trimmed = value.trim();
  if (trimmed) {
    localStorage.setItem(TOKEN_KEY, trimmed);
  } else {
    localStorage.removeItem(TOKEN_KEY);
  }
}

/**
 * Moves a token given in the URL's fragment (`#token=...`, as `./editlab serve` prints it) into
 * storage and drops it from the address bar, so it is neither bookmarked nor shown. The token is
 * taken verbatim (no form decoding, which would turn a '+' into a space).
 */
export function adoptTokenFromFragment() {
  const parts = location.hash.slice(1).split('&');
  const given = parts.find((part) => part.startsWith('token='));
  if (given === undefined) {
    return;
  }
  setToken(given.slice('token='.length));
  const rest = parts.filter((part) => part !== given && part !== '').join('&');
  history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
}

/** A call the host answered with an error status; `message` is the host's `error` text. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const refusalListeners = [];

/** Calls `listener(message)` whenever the host answers 401 (missing or wrong token). */
export function onRefusedToken(listener) {
  refusalListeners.push(listener);
}

/**
 * Calls `/api` + `path`. A plain object `body` is sent as JSON, a Blob or File as it is (with
 * `contentType`). Resolves to the parsed JSON answer (null for an empty one); rejects with an
 * ApiError carrying the host's message.
 */
export async function call(method, path, body, contentType = 'application/json') {
  const headers = {};
  if (method !== 'GET' && token()) {
    headers.Authorization = 'Bearer ' + token();
  }
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType;
    if (body instanceof File) {
      headers['X-File-Name'] = body.name.replace(/[^\x20-\x7e]/g, '_'); // header values are ASCII
    }
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch('/api' + path, { method, headers, body: payload });
  const text = await response.text();
  if (!response.ok) {
    const message = errorMessage(text) || `HTTP ${response.status} ${response.statusText}`.trim();
    if (response.status === 401) {
      refusalListeners.forEach((listener) => listener(message));
    }
    throw new ApiError(response.status, message);
  }
  return text ? JSON.parse(text) : null;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const remove = (path) => call('DELETE', path);

/** One path segment for an id that came from the host. */
export const segment = (id) => encodeURIComponent(String(id));

/** The `error` of a JSON error answer, or '' (a server's HTML error page says nothing more). */
function errorMessage(text) {
  try {
    return String(JSON.parse(text).error ?? '');
  } catch {
    return '';
  }
}
