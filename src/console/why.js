// "Why this video?": the item's reasons and its explanation in words, and what each predicted outcome adds to the score.
import { html } from './html.js';
import { sourceInWords } from './card.js';

const percent = (x) => `${(100 * x).toFixed(0)} %`;
const TASK_WORDS = { watch: 'watch it through', like: 'like it', share: 'share it', comment: 'comment', follow: 'follow the creator', skip: 'skip it' };

/** Horizontal bars, scaled on the largest magnitude; negative values drawn to the left in another colour. */
function Bars({ rows, label }) {
  const most = Math.max(1e-9, ...rows.map((r) => Math.abs(r.value)));
  return html`<figure class="bars">
    <figcaption>${label}</figcaption>
    ${rows.map(
      (r) => html`<div class="bar-row">
        <span class="bar-label">${r.label}</span>
        <span class="bar-track"><span class=${r.value < 0 ? 'bar negative' : 'bar'} style=${`width: ${(100 * Math.abs(r.value)) / most}%`}></span></span>
        <span class="bar-value">${r.value.toFixed(3)}</span>
      </div>`,
    )}
  </figure>`;
}

export function WhyPanel({ item, onClose }) {
  const explain = item.explain ?? {};
  const predictions = explain.predictions ?? {};
  const weights = explain.weights ?? {};
  const tasks = Object.keys(predictions);
  const signals = Object.entries(explain.sourceSignals ?? {});
  return html`<section class="panel why" data-testid="why" aria-labelledby="why-title">
    <h2 id="why-title">Why this video?</h2>
    <button type="button" class="close quiet" aria-label="Close" onClick=${onClose}>✕</button>
    <ul>${item.reasons.map((r) => html`<li>${r}</li>`)}</ul>
    <p>
      Found by the <strong>${item.source}</strong> source (${sourceInWords(item.source)})${signals.length > 0 ? ', with ' : ''}${signals
        .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(3) : v}`)
        .join(', ')}.
      ${tasks.length > 0 && ` The ranker expects you to ${tasks.map((t) => `${TASK_WORDS[t] ?? t} ${percent(predictions[t])}`).join(', ')}; its score is ${item.score.toFixed(3)}.`}
    </p>
    ${
      tasks.length > 0 &&
      html`<${Bars} label="What each expected outcome adds to the score (prediction × weight)" rows=${tasks.map((t) => ({ label: t, value: predictions[t] * (weights[t] ?? 0) }))} />`
    }
    ${
      (explain.topSignals ?? []).length > 0 &&
      html`<${Bars} label="The signals that moved the score most" rows=${explain.topSignals.map((s) => ({ label: s.signal, value: s.contribution }))} />`
    }
  </section>`;
}
