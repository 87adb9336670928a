import type { StageProgress } from '../eval/progress.ts';
import { progressBar } from './progress.ts';

/** One progress bar per stage on stderr: a new stage closes the previous bar. Silent when stderr is not a terminal. */
export function stageProgress(): { report: StageProgress; stop(): void } {
  let current: { stage: string; total: number; bar: ReturnType<typeof progressBar> } | undefined;
  const stop = () => {
    current?.bar.stop();
    current = undefined;
  };
  return {
    report(stage, done, total) {
      if (current?.stage !== stage || current.total !== total) {
        stop();
        current = { stage, total, bar: progressBar(stage.length > 48 ? `…${stage.slice(-47)}` : stage, total, 'steps') };
      }
      current.bar.update(done);
    },
    stop,
  };
}
