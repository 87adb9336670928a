import type { StageProgress } from '../progress.ts';
import { malformedRow, parseNumber, readTable } from './lines.ts';

/** KuaiRec rows with the original ids kept (the hold-out rule hashes them). */
export interface KuaiRecRows {
  userIds: number[];
  videoIds: number[];
  watchRatios: number[];
}

/** Reads `small_matrix_subset.csv` (`user_id,video_id,watch_ratio`). */
export async function readKuaiRec(path: string, progress?: StageProgress): Promise<KuaiRecRows> {
  const rows: KuaiRecRows = { userIds: [], videoIds: [], watchRatios: [] };
  await readTable(
    path,
    ',',
    ['user_id', 'video_id', 'watch_ratio'],
    ([user, video, ratio], lineNumber) => {
      rows.userIds.push(parseNumber(path, lineNumber, 'user_id', user!, 'id'));
      rows.videoIds.push(parseNumber(path, lineNumber, 'video_id', video!, 'id'));
      const watchRatio = parseNumber(path, lineNumber, 'watch_ratio', ratio!, 'number');
      if (watchRatio < 0) throw malformedRow(path, lineNumber, 'watch_ratio is negative');
      rows.watchRatios.push(watchRatio);
    },
    undefined,
    progress,
  );
  return rows;
}
