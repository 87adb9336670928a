// The person's settings and rights: personalisation, keyword filters, refresh, export, erase; and which person to open.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { startCrowd } from './crowd.js';
import { html } from './html.js';

export const freshPersonId = () => `console-${crypto.randomUUID().slice(0, 8)}`;
const path = (user, rest = '') => `/v1/users/${encodeURIComponent(user.id)}${rest}`;

/** Saves a file in the browser from data already fetched (never a URL holding the key). */
function download(name, data) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export function FeedSettings({ me, user, onUser, onOpen, onReload, onError, onNotice }) {
  const [keywords, setKeywords] = useState(user.settings.keywordFilters.join(', '));
  const [crowd, setCrowd] = useState(undefined); // the crowd's totals while it runs
  const stopCrowd = useRef(undefined);
  const toggleCrowd = () => {
    if (stopCrowd.current) {
      stopCrowd.current();
      stopCrowd.current = undefined;
      setCrowd(undefined);
      return;
    }
    setCrowd({ pages: 0, events: 0, likes: 0 });
    stopCrowd.current = startCrowd({
      region: me.region,
      onProgress: setCrowd,
      onError: (err) => ((stopCrowd.current = undefined), setCrowd(undefined), onError(err)),
    });
  };
  useEffect(() => () => stopCrowd.current?.(), []);
  useEffect(() => setKeywords(user.settings.keywordFilters.join(', ')), [user.id]);
  const [switchTo, setSwitchTo] = useState('');
  const [confirming, setConfirming] = useState(false);
  const run = (work) => async (e) => {
    e?.preventDefault();
    try {
      await work();
    } catch (err) {
      onError(err);
    }
  };
  const saveSettings = async (settings, message) => {
    onUser(await api(path(user), { method: 'PUT', body: { settings } }));
    onNotice(message);
    await onReload();
  };
  const togglePersonalized = run(() =>
    saveSettings({ personalized: !user.settings.personalized }, user.settings.personalized ? 'Personalisation off' : 'Personalisation on'),
  );
  const saveKeywords = run(() =>
    saveSettings(
      {
        keywordFilters: keywords
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      },
      'Keyword filters saved',
    ),
  );
  const refresh = run(async () => {
    await api(path(user, '/refresh'), { method: 'POST' });
    onNotice('Your feed starts over: what was learned about you is forgotten');
    await onReload();
  });
  const exportData = run(async () => {
    download(`moteur-export-${user.id}.json`, await api(path(user, '/export')));
    onNotice('Your data was downloaded');
  });
  const erase = run(async () => {
    const { eventsErased } = await api(path(user), { method: 'DELETE' });
    setConfirming(false);
    onNotice(`${user.id} erased (${eventsErased} events); a fresh person opens`);
    await onOpen(freshPersonId());
  });

  return html`<section class="panel settings" aria-labelledby="settings-title">
    <h2 id="settings-title">Settings for @${user.id}</h2>
    <label class="switch">
      <input type="checkbox" role="switch" data-testid="personalized" checked=${user.settings.personalized} onChange=${togglePersonalized} />
      Personalised feed
    </label>
    <label class="switch">
      <input type="checkbox" role="switch" data-testid="crowd" checked=${crowd !== undefined} onChange=${toggleCrowd} />
      Simulated crowd: 12 people scrolling alongside, so the engine learns while you watch
    </label>
    ${crowd && html`<p class="hint" role="status" data-testid="crowd-status">Crowd: ${crowd.pages} pages scrolled, ${crowd.events} events sent, ${crowd.likes} likes</p>`}
    <form onSubmit=${saveKeywords}>
      <label for="keywords">Keyword filters (comma-separated; captions and hashtags)</label>
      <div class="row">
        <input id="keywords" data-testid="keywords" value=${keywords} onInput=${(e) => setKeywords(e.target.value)} />
        <button type="submit">Save</button>
      </div>
    </form>
    <div class="row wrap">
      <button type="button" data-testid="refresh" onClick=${refresh}>Refresh my feed</button>
      <button type="button" data-testid="export" onClick=${exportData}>Export my data</button>
      <button type="button" data-testid="erase" class="danger" onClick=${() => setConfirming(true)}>Erase me…</button>
    </div>
    ${
      confirming &&
      html`<div class="confirm" role="alertdialog" aria-labelledby="erase-title" aria-describedby="erase-what">
      <h3 id="erase-title">Erase @${user.id}?</h3>
      <p id="erase-what">Events, profile, serving history and everything learned about this person are deleted. This cannot be undone.</p>
      <button type="button" class="danger" data-testid="erase-confirm" onClick=${erase}>Erase for good</button>
      <button type="button" onClick=${() => setConfirming(false)}>Keep</button>
    </div>`
    }
    <form onSubmit=${run(async () => switchTo.trim() && (await onOpen(switchTo.trim())))}>
      <label for="person">Open another person</label>
      <div class="row">
        <input id="person" data-testid="person" placeholder="person id" value=${switchTo} onInput=${(e) => setSwitchTo(e.target.value)} />
        <button type="submit">Open</button>
        <button type="button" data-testid="new-person" onClick=${run(() => onOpen(freshPersonId()))}>New person</button>
      </div>
    </form>
  </section>`;
}
