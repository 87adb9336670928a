import { messageOf } from './thrown.ts';

/**
 * Trouble the engine works around and goes on from. Each is a process warning of type MoteurWarning with one of
 * these codes, printed as one line (no stack) and seen by `process.on('warning')`, where tests collect them.
 */
export type WarningCode =
  | 'retrying' // work that must not be dropped failed and is tried again
  | 'event_not_learned' // a stored event could not be learned
  | 'non_finite_dropped' // an update held NaN or an infinity and was not learned (first of each source)
  | 'snapshot_not_used' // a snapshot on disk was set aside: the state is rebuilt from the log
  | 'snapshot_not_written'
  | 'checkpoint_not_written'
  | 'delta_not_published'
  | 'delta_ignored' // another replica's model delta, or a part of it, was left out
  | 'moderation_entry_skipped' // an entry of the cluster's moderation stream could not be applied
  | 'audit_write_failed' // audit entries and served records are kept and written again
  | 'item_graph_not_retrained' // the previous graph goes on being served
  | 'popular_lists_not_refreshed'; // the previous lists go on being served

/** Reports a warning; `cause`, when given, is appended as what went wrong. */
export function warn(code: WarningCode, message: string, cause?: unknown): void {
  process.emitWarning(cause === undefined ? message : `${message}: ${messageOf(cause)}`, { type: 'MoteurWarning', code });
}
