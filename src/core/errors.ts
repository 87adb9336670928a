import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

/** Errors that cross the API boundary carry a code of the catalogue (which gives their HTTP status) and the offending field. */
export class MoteurError extends Error {
  readonly status: number;
  readonly field: string | undefined;

  /** `status` overrides the catalogue's only where one code means another status on another path (each such site says why). */
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { field?: string | undefined; status?: number } = {},
  ) {
    super(message);
    this.name = 'MoteurError';
    this.status = options.status ?? ERROR_CODES[code].status;
    this.field = options.field;
  }

  toJSON(): { code: string; message: string; field?: string } {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

export const invalid = (field: string, message: string): MoteurError => new MoteurError('invalid_field', `${field}: ${message}`, { field });

export const notFound = (what: string, id: string): MoteurError => new MoteurError('not_found', `${what} '${id}' does not exist`);
