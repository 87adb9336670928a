/** Errors that cross the API boundary carry a stable code, an HTTP status and the offending field. */
export class MoteurError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MoteurError';
  }

  toJSON(): { code: string; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const invalid = (field: string, message: string): MoteurError =>
  new MoteurError('invalid_field', `${field}: ${message}`, 400, field);

export const notFound = (what: string, id: string): MoteurError =>
  new MoteurError('not_found', `${what} '${id}' does not exist`, 404);
