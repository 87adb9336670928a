/**
 * What `moteur` exits with, so a script can tell a mistake in the command from a busy resource or a failed
 * check without reading the message. The README lists them.
 */
import type { ErrorCode } from '../core/error-codes.ts';
import type { MoteurError } from '../core/errors.ts';

export const EXIT = {
  ok: 0,
  /** A check failed: an invalid proof, a ledger that was tampered with, simulated sessions that failed. */
  checkFailed: 1,
  /** The command is wrong: an option, a file, a key or an input that cannot be used. */
  usage: 2,
  /** The command ran and did nothing: every row of an import was rejected. */
  nothingDone: 3,
  /** Something the command needs is held by another process: the data directory, the port. */
  inUse: 4,
  /** A server the command talks to does not answer, or does not serve what the command needs. */
  unreachable: 5,
  /** The server refused the API key given (unknown, revoked, or without the role needed). */
  refused: 6,
  /** The data directory cannot be written. */
  unwritable: 7,
} as const;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  all_rejected: EXIT.nothingDone,
  data_dir_in_use: EXIT.inUse,
  port_in_use: EXIT.inUse,
  server_unreachable: EXIT.unreachable,
  wrong_region: EXIT.unreachable,
  unauthenticated: EXIT.refused,
  forbidden: EXIT.refused,
  data_dir_unwritable: EXIT.unwritable,
};

/** The exit code for an error the command reports in one line. */
export function exitCodeOf(error: MoteurError): number {
  return BY_CODE[error.code] ?? EXIT.usage;
}
