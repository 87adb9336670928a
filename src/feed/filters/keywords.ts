import type { Filter } from '../pipeline.ts';

/** The person's keyword filters, matched case-insensitively against caption words and hashtags. */
export const keywordFilter: Filter = {
  name: 'keywords',
  keep: (request, video) => {
    const keywords = request.user.settings.keywordFilters;
    if (keywords.length === 0) return true;
    const caption = video.caption.toLowerCase();
    return !keywords.some((raw) => {
      const k = raw.toLowerCase().replace(/^#/, '');
      return caption.includes(k) || video.hashtags.some((h) => h.includes(k));
    });
  },
};
