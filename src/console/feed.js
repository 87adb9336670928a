// The Feed page: one person's For You feed on a phone-shaped screen, every gesture sent to the engine as it happens.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, sendEvent } from './api.js';
import { Card } from './card.js';
import { html } from './html.js';
import { Refusal } from './refusal.js';
import { FeedSettings, freshPersonId } from './feed-settings.js';
import { WhyPanel } from './why.js';

const PAGE_SIZE = 10;
const lastPersonKey = (me) => `moteur.person.${me.id}`;

/** Opens on the person chosen last with this key, or a fresh one created in the first of the key's regions this node serves. */
async function openPerson(me, wanted) {
  const id = wanted ?? localStorage.getItem(lastPersonKey(me)) ?? freshPersonId();
  const user = await api(`/v1/users/${encodeURIComponent(id)}`).catch((err) => {
    if (err.status !== 404) throw err;
    return api(`/v1/users/${encodeURIComponent(id)}`, { method: 'PUT', body: { region: me.region } });
  });
  localStorage.setItem(lastPersonKey(me), user.id);
  return user;
}

/** A feed page with each video's catalog record (caption, embedding) beside its item. */
async function nextPage(userId, sessionId) {
  const { items } = await api(`/v1/users/${encodeURIComponent(userId)}/feed?n=${PAGE_SIZE}&explain=1&sessionId=${sessionId}`);
  const videos = await Promise.all(items.map((item) => api(`/v1/videos/${encodeURIComponent(item.videoId)}`).catch(() => undefined)));
  return items.map((item, i) => ({ ...item, video: videos[i] }));
}

export function FeedPage({ me }) {
  const [user, setUser] = useState(undefined);
  const [cards, setCards] = useState([]);
  const [at, setAt] = useState(0);
  const [page, setPage] = useState(0);
  const [panel, setPanel] = useState(undefined); // 'why' | 'settings'
  const [error, setError] = useState(undefined);
  const [notice, setNotice] = useState('');
  const [loading, setLoading] = useState(false);
  const shownAt = useRef(performance.now());
  const session = useRef(crypto.randomUUID());

  const fail = (err) => setError(err);
  const loadPage = async (userId, replace) => {
    setLoading(true);
    // A new start (another person, new settings) shows nothing of the old feed while the new one comes.
    if (replace) setCards([]);
    try {
      const fresh = await nextPage(userId, session.current);
      setPage((p) => (replace ? 1 : p + 1));
      setCards((old) => (replace ? fresh : [...old, ...fresh]));
      if (replace) setAt(0);
      shownAt.current = performance.now();
      setError(undefined);
    } catch (err) {
      fail(err);
    } finally {
      setLoading(false);
    }
  };
  const open = async (wanted) => {
    try {
      const person = await openPerson(me, wanted);
      setUser(person);
      setPanel(undefined);
      session.current = crypto.randomUUID();
      await loadPage(person.id, true);
    } catch (err) {
      fail(err);
    }
  };
  useEffect(() => void open(), []);

  const current = cards[at];
  // Leaving a card tells the engine how long it was watched (at most its duration: a loop is not more interest).
  const leave = () => {
    if (!current) return;
    const watchMs = Math.min(Math.round(performance.now() - shownAt.current), current.durationMs);
    sendEvent(user.id, current.videoId, 'play', { watchMs, sessionId: session.current }).catch(fail);
  };
  const next = async () => {
    if (!current || loading) return;
    leave();
    setPanel((p) => (p === 'why' ? undefined : p));
    if (at + 1 >= cards.length) await loadPage(user.id, false);
    setAt((i) => i + 1);
    shownAt.current = performance.now();
  };
  const act = (type, message) => async () => {
    try {
      await sendEvent(user.id, current.videoId, type, { sessionId: session.current });
      setNotice(message);
      if (type === 'not_interested' || type === 'report') await next();
    } catch (err) {
      fail(err);
    }
  };

  // Keyboard, wheel and swipe all mean "next" on the phone screen.
  const touchY = useRef(undefined);
  const lastWheel = useRef(0);
  const onKey = (e) => {
    if (e.target.closest('input, textarea, select, [role=dialog]')) return;
    if (e.key !== 'ArrowDown' && e.key !== 'PageDown' && e.key !== 'j') return;
    e.preventDefault();
    next().catch(fail);
  };
  const onWheel = (e) => {
    if (Math.abs(e.deltaY) < 30 || Date.now() - lastWheel.current < 600) return;
    lastWheel.current = Date.now();
    if (e.deltaY > 0) next().catch(fail);
  };

  if (user === undefined) return error ? html`<${Refusal} error=${error} />` : html`<p class="loading">Opening a person's feed…</p>`;
  return html`<section class="feed-page" aria-label="Feed">
    <div class="phone" tabindex="0" aria-label=${`Feed of ${user.id}: arrow down for the next video`} onKeyDown=${onKey} onWheel=${onWheel}
      onTouchStart=${(e) => (touchY.current = e.touches[0].clientY)}
      onTouchEnd=${(e) => touchY.current !== undefined && touchY.current - e.changedTouches[0].clientY > 50 && next().catch(fail)}>
      <p class="person">@${user.id} · page <span data-testid="page-number">${page}</span>${user.settings.personalized ? '' : ' · not personalised'}</p>
      ${
        current
          ? html`<${Card} key=${`${page}-${at}`} item=${current} page=${page} />
          <div class="actions" role="toolbar" aria-label="Video actions">
            <button type="button" data-testid="like" onClick=${act('like', 'Liked')}>♥ Like</button>
            <button type="button" data-testid="share" onClick=${act('share', 'Shared')}>↗ Share</button>
            <button type="button" data-testid="follow" onClick=${act('follow', `Following ${current.creatorId}`)}>+ Follow</button>
            <button type="button" data-testid="not-interested" onClick=${act('not_interested', 'Fewer like this')}>✕ Not interested</button>
            <button type="button" data-testid="report" onClick=${act('report', 'Reported')}>⚑ Report</button>
            <button type="button" data-testid="why-open" aria-expanded=${panel === 'why'} onClick=${() => setPanel(panel === 'why' ? undefined : 'why')}>? Why this video</button>
            <button type="button" data-testid="next" class="primary" onClick=${next} disabled=${loading}>↓ Next</button>
          </div>`
          : html`<p class="empty">${loading ? 'Loading…' : 'No videos to show.'}</p>`
      }
      <p class="notice" role="status" aria-live="polite">${notice}</p>
    </div>
    <aside class="side">
      ${error && html`<${Refusal} error=${error} />`}
      ${panel === 'why' && current && html`<${WhyPanel} item=${current} onClose=${() => setPanel(undefined)} />`}
      <${FeedSettings} me=${me} user=${user} onUser=${setUser} onOpen=${open} onReload=${() => loadPage(user.id, true)} onError=${fail} onNotice=${setNotice} />
    </aside>
  </section>`;
}
