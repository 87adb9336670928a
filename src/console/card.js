// One video as a card: no video file, only what the catalog knows about it, in colours taken from its content.
import { html } from './html.js';

/** Two hues from the content embedding (videos with similar content look alike), or from the hashtags without one. */
function colours(item) {
  const e = item.video?.embedding;
  if (e && e.length >= 4) {
    const hue = (a, b) => Math.round(((Math.atan2(b, a) / Math.PI + 1) * 180) % 360);
    return [hue(e[0], e[1]), hue(e[2], e[3])];
  }
  let h = 0;
  for (const ch of item.hashtags.join(' ') || item.videoId) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return [h, (h + 60) % 360];
}

const SOURCE_WORDS = {
  followed: 'a creator you follow',
  'item-graph': 'what people who like what you like watched',
  embedding: 'your taste, learned',
  'co-engaged': 'watched together with your favourites',
  affinity: 'creators, hashtags and sounds you enjoy',
  'content-similar': 'similar in content to your favourites',
  trending: 'popular now',
  explore: 'a new video finding its audience',
  catalog: 'the wider catalog',
};
export const sourceInWords = (source) => SOURCE_WORDS[source] ?? source;

export function Card({ item, page }) {
  const [a, b] = colours(item);
  const seconds = Math.round(item.durationMs / 1000);
  return html`<article class="card" data-testid="feed-item" data-video-id=${item.videoId} data-source=${item.source} data-page=${page}
    style=${`background: linear-gradient(160deg, hsl(${a} 55% 32%), hsl(${b} 60% 22%))`} aria-label=${`Video ${item.videoId} by ${item.creatorId}`}>
    <p class="source">From <span data-testid="source">${item.source}</span>: ${sourceInWords(item.source)}</p>
    <div class="caption">
      <p class="creator">@${item.creatorId}</p>
      <p>${item.video?.caption || html`<em>(no caption)</em>`}</p>
      <p class="tags">${item.hashtags.map((t) => `#${t}`).join(' ')}</p>
      <p class="sound">♪ ${item.soundId} · ${seconds} s</p>
    </div>
    <div class="progress" role="progressbar" aria-label="Playing" aria-valuemin="0" aria-valuemax=${seconds}>
      <span style=${`animation-duration: ${item.durationMs}ms`}></span>
    </div>
  </article>`;
}
