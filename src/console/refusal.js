import { html } from './html.js';

/** The server's refusal or error, as it said it. */
export function Refusal({ error }) {
  const what = error.status === 403 ? 'Refused by the server' : error.status === 401 ? 'Not signed in' : 'Error';
  return html`<p class="refusal" role="alert" data-testid="refusal" data-status=${error.status}><strong>${what}:</strong> ${error.message}</p>`;
}
