// The console's frame: sign-in, then the pages the key's role may open (the server decides, and refuses anyway).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { AuditPage } from './audit.js';
import { EnginePage } from './engine.js';
import { FeedPage } from './feed.js';
import { html } from './html.js';
import { Refusal } from './refusal.js';

const PAGES = {
  feed: { title: 'Feed', Page: FeedPage },
  engine: { title: 'Engine', Page: EnginePage },
  audit: { title: 'Audit', Page: AuditPage },
};

function SignIn({ onSignedIn, error }) {
  const [key, setKey] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (key.trim() !== '') onSignedIn(key.trim());
  };
  return html`<main class="sign-in">
    <h1>moteur</h1>
    <p>Sign in with an API key (<code>moteur keys create</code>). It is kept in this tab only and never put in a URL.</p>
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input id="api-key" data-testid="api-key" type="password" autocomplete="off" value=${key} onInput=${(e) => setKey(e.target.value)} required />
      <button type="submit" data-testid="sign-in">Sign in</button>
    </form>
    ${error && html`<${Refusal} error=${error} />`}
  </main>`;
}

const pageFromHash = () => location.hash.replace(/^#/, '');

function Console() {
  const [me, setMe] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [page, setPage] = useState(pageFromHash());

  const load = () =>
    api('/v1/me').then(setMe, (err) => {
      session.signOut();
      setMe(null);
      setError(err);
    });
  useEffect(() => {
    if (session.key) void load();
    else setMe(null);
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${SignIn} error=${error} onSignedIn=${(key) => (session.signIn(key), setError(undefined), load())} />`;
  // A page not in the key's list can still be asked for by its address: the server's refusal is then shown.
  const current = PAGES[page] ? page : (me.pages[0] ?? 'feed');
  const { Page } = PAGES[current];
  const signOut = () => (session.signOut(), setMe(null));
  return html`<div class="frame">
    <header>
      <strong class="brand">moteur</strong>
      <nav aria-label="Pages">
        ${me.pages.map((p) => html`<a href=${`#${p}`} data-testid=${`nav-${p}`} aria-current=${p === current ? 'page' : undefined}>${PAGES[p].title}</a>`)}
      </nav>
      <span class="who" title=${`regions ${me.regions.join(', ')}`}>${me.id} (${me.role})</span>
      <button type="button" class="quiet" onClick=${signOut}>Sign out</button>
    </header>
    <main id="page"><${Page} key=${current} me=${me} /></main>
  </div>`;
}

render(html`<${Console} />`, document.getElementById('app'));
