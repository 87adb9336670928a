/** Reading openapi-fetch's answers: the data of a success, a MoteurApiError for anything else. */

/** An answer other than 2xx: its status and the API's `{code, message, field}` body. */
export class MoteurApiError extends Error {
  readonly code: string | undefined;
  readonly field: string | undefined;

  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const described = typeof body === 'object' && body !== null ? (body as { code?: string; message?: string; field?: string }) : {};
    super(`moteur answered ${status}${described.code === undefined ? '' : ` ${described.code}`}: ${described.message ?? JSON.stringify(body)}`);
    this.name = 'MoteurApiError';
    this.code = described.code;
    this.field = described.field;
  }
}

/** The data of a 2xx answer; any other answer throws a MoteurApiError. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new MoteurApiError(response.status, error);
  return data as T;
}
