// The Audit page: the signed checkpoint, the latest entries with filters, and a verification done here, in the browser.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { html } from './html.js';
import { Refusal } from './refusal.js';
import { verifyLedger } from './audit-verify.js';

const SHOWN = 200;
const KEY_STORE = 'moteur.ledgerKey';

function Filters({ entries, filters, setFilters }) {
  const options = (field) => [...new Set(entries.map((e) => e.entry[field]))].sort();
  const set = (field) => (e) => setFilters({ ...filters, [field]: e.target.value });
  return html`<fieldset class="filters"><legend>Filter entries</legend>
    <label>Action <select data-testid="filter-action" value=${filters.action} onChange=${set('action')}>
      <option value="">any</option>${options('action').map((a) => html`<option>${a}</option>`)}</select></label>
    <label>Decision <select data-testid="filter-decision" value=${filters.decision} onChange=${set('decision')}>
      <option value="">any</option><option>allow</option><option>deny</option></select></label>
    <label>From <input type="datetime-local" step="1" value=${filters.from} onChange=${set('from')} /></label>
    <label>To <input type="datetime-local" step="1" value=${filters.to} onChange=${set('to')} /></label>
  </fieldset>`;
}

const matches =
  (filters) =>
  ({ entry }) =>
    (!filters.action || entry.action === filters.action) &&
    (!filters.decision || entry.decision === filters.decision) &&
    (!filters.from || new Date(entry.time) >= new Date(filters.from)) &&
    (!filters.to || new Date(entry.time) <= new Date(filters.to));

function Steps({ result }) {
  return html`<div class="verify-result" data-testid="verify-result" data-ok=${String(result.ok)} role="status">
    <p><strong>${result.ok ? '✓ The ledger verifies' : '✗ Verification failed'}</strong></p>
    <ol>${result.steps.map((s) => html`<li class=${s.ok ? 'ok' : 'bad'} data-testid="verify-step" data-ok=${String(s.ok)}><span aria-hidden="true">${s.ok ? '✓' : '✗'}</span> ${s.text}</li>`)}</ol>
  </div>`;
}

export function AuditPage() {
  const [checkpoint, setCheckpoint] = useState('');
  const [entries, setEntries] = useState([]);
  const [filters, setFilters] = useState({ action: '', decision: '', from: '', to: '' });
  const [key, setKey] = useState(localStorage.getItem(KEY_STORE) ?? '');
  const [keyFromServer, setKeyFromServer] = useState(false);
  const [error, setError] = useState(undefined);
  const [result, setResult] = useState(undefined);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const note = await api('/v1/ledger/checkpoint', { text: true });
      const size = Number(note.split('\n')[1]);
      const start = Math.max(0, size - SHOWN);
      const page = size > 0 ? await api(`/v1/ledger/entries?start=${start}&end=${size}`) : { entries: [] };
      setCheckpoint(note);
      setEntries(page.entries.reverse());
      if (!localStorage.getItem(KEY_STORE)) {
        const stated = (await api('/v1/ledger/key', { text: true })).trim();
        // A key typed meanwhile is the auditor's own: it stays.
        setKey((typed) => {
          setKeyFromServer(typed === '');
          return typed === '' ? stated : typed;
        });
      }
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), []);

  const verify = async () => {
    setBusy(true);
    setResult(undefined);
    localStorage.setItem(KEY_STORE, key.trim());
    setResult(await verifyLedger(key, entries.filter(matches(filters)).slice(0, 20)));
    setBusy(false);
    void load();
  };

  if (error && checkpoint === '') return html`<${Refusal} error=${error} />`;
  const shown = entries.filter(matches(filters));
  return html`<section class="audit-page" aria-label="Audit">
    ${error && html`<${Refusal} error=${error} />`}
    <div class="columns">
      <section class="panel">
        <h2>Signed checkpoint</h2>
        <pre data-testid="checkpoint">${checkpoint}</pre>
        <label for="verifier-key">The log's public key (verifier key)</label>
        <input id="verifier-key" data-testid="verifier-key" value=${key} onInput=${(e) => (setKey(e.target.value), setKeyFromServer(false))} />
        ${keyFromServer && html`<p class="hint">This key is the one the server states: compare it with the one you hold (<code>moteur audit key</code>), or paste yours.</p>`}
        <button type="button" class="primary" data-testid="verify" onClick=${verify} disabled=${busy || key.trim() === ''}>${busy ? 'Verifying…' : 'Verify in this browser'}</button>
        <p class="hint">Checks the checkpoint's signature, that it extends the last checkpoint this browser verified (or a prefix of entries re-hashed here), and that the entries shown below are in it.</p>
        ${result && html`<${Steps} result=${result} />`}
      </section>
      <section class="panel">
        <h2>Entries <small>(latest ${entries.length}, ${shown.length} shown)</small></h2>
        <${Filters} entries=${entries} filters=${filters} setFilters=${setFilters} />
        <div class="table-scroll"><table data-testid="entries">
          <thead><tr><th scope="col">#</th><th scope="col">time</th><th scope="col">principal</th><th scope="col">action</th><th scope="col">decision</th><th scope="col">purpose</th></tr></thead>
          <tbody>${shown.map(({ index, entry }) => html`<tr class=${entry.decision}><td>${index}</td><td>${entry.time.replace('T', ' ').slice(0, 19)}</td><td>${entry.principal}</td><td>${entry.action}</td><td>${entry.decision}</td><td>${entry.purpose}</td></tr>`)}</tbody>
        </table></div>
      </section>
    </div>
  </section>`;
}
