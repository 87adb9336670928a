import type { LearnedModels } from '../models.ts';
import type { Filter } from '../pipeline.ts';

/** "Not interested" (or a report) hides that creator and that sound from the person (in a personalised feed). */
export function notInterestedFilter(models: LearnedModels): Filter {
  return {
    name: 'not-interested',
    keep: (request, video) => {
      if (!request.personalized) return true;
      const hidden = models.learners.hidden(request.user.id);
      return hidden.size === 0 || (!hidden.has(`creator:${video.creatorId}`) && !(video.soundId !== '' && hidden.has(`sound:${video.soundId}`)));
    },
  };
}
