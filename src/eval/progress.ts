/** Reports progress of a named stage (loading a file, training a model, ranking for people): done out of total. */
export type StageProgress = (stage: string, done: number, total: number) => void;
