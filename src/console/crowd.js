// A simulated crowd driven from this page through the API, so the engine has people to learn from while you watch:
// each person favours one hashtag, watches videos carrying it through (liking one in three) and skips the rest early.
import { api } from './api.js';

const PEOPLE = 12;
const PAUSE_MS = 400;

const randomOf = (list) => list[Math.floor(Math.random() * list.length)];

/** Starts the crowd; `onProgress` hears the running totals; the returned function stops it. */
export function startCrowd({ region, onProgress, onError }) {
  let running = true;
  const totals = { pages: 0, events: 0, likes: 0 };
  const favourites = new Map();
  const people = Array.from({ length: PEOPLE }, (_, i) => `crowd-${i + 1}`);

  const scroll = async (person) => {
    const { items } = await api(`/v1/users/${person}/feed?n=10&sessionId=crowd`);
    // A person's taste: a hashtag of the first page they are shown, kept from then on.
    if (!favourites.has(person)) favourites.set(person, randomOf(items.flatMap((item) => item.hashtags)) ?? '');
    const favourite = favourites.get(person);
    const events = items.flatMap((item) => {
      const liked = item.hashtags.includes(favourite);
      const watchMs = Math.round(item.durationMs * (liked ? 0.8 + 0.2 * Math.random() : 0.1 + 0.2 * Math.random()));
      const base = { userId: person, videoId: item.videoId, ts: Date.now(), sessionId: 'crowd' };
      const played = { ...base, id: crypto.randomUUID(), type: 'play', watchMs };
      return liked && Math.random() < 1 / 3 ? [played, { ...base, id: crypto.randomUUID(), type: 'like' }] : [played];
    });
    if (events.length > 0) await api('/v1/events', { method: 'POST', body: { events } });
    totals.pages++;
    totals.events += events.length;
    totals.likes += events.filter((e) => e.type === 'like').length;
    // A page that was in flight when the crowd was stopped must not bring its status back.
    if (running) onProgress({ ...totals });
  };

  void (async () => {
    try {
      for (const person of people) await api(`/v1/users/${person}`, { method: 'PUT', body: { region } });
      while (running) {
        await scroll(randomOf(people));
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
    } catch (err) {
      running = false;
      onError(err);
    }
  })();
  return () => {
    running = false;
  };
}
