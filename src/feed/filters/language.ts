import type { Filter } from '../pipeline.ts';

/**
 * Videos in the person's language, when the catalog has enough of them: a soft filter, relaxed by the fallback
 * rather than leaving a page short. Videos with no language (music, no words) pass.
 */
export const languageFilter: Filter = {
  name: 'language',
  soft: true,
  keep: (request, video) => video.language === '' || video.language === request.user.language,
};
