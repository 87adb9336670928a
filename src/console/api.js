// The console's only way to the server: the same HTTP API, with the key kept in this tab's session storage.

const KEY = 'moteur.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};

/** An answer other than 2xx, with the server's `{code, message}`: pages show the message as it is. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the API; JSON bodies in and out (`text: true` for the text answers: checkpoint, metrics, key). */
export async function api(path, { method = 'GET', body, text = false } = {}) {
  const headers = { authorization: `Bearer ${session.key ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `the server did not answer (${err.message})`);
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new ApiError(response.status, answer.code ?? 'error', answer.message ?? `${response.status} ${response.statusText}`);
  }
  return text ? response.text() : response.json();
}

/** One watch event of the person, with a fresh idempotency key. */
export function sendEvent(userId, videoId, type, extra = {}) {
  const event = { id: crypto.randomUUID(), userId, videoId, type, ts: Date.now(), ...extra };
  return api('/v1/events', { method: 'POST', body: { events: [event] } });
}
