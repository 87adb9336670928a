/**
 * A fetch that resends a request the server answered 503 (its event log or audit ledger briefly unavailable),
 * after the wait its `Retry-After` header asks for. Resending is safe on this API: a batch resent is stored
 * once (what was stored before is reported a duplicate).
 */
export type Fetch = (request: Request) => Promise<Response>;

export interface RetryOptions {
  /** Resends after a 503 before its answer is returned as it is (default 3). */
  retries?: number;
  /** The wait when a 503 gives no usable Retry-After, and the longest wait honoured (defaults 1 s and 30 s). */
  defaultWaitMs?: number;
  maxWaitMs?: number;
}

/** Retry-After in milliseconds: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function retryOn503(fetch: Fetch, options: RetryOptions = {}): Fetch {
  const { retries = 3, defaultWaitMs = 1000, maxWaitMs = 30_000 } = options;
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      // Each attempt sends a copy, so the body is still there to resend.
      const response = await fetch(attempt < retries ? request.clone() : request);
      if (response.status !== 503 || attempt >= retries) return response;
      const wait = Math.min(retryAfterMs(response.headers.get('retry-after')) ?? defaultWaitMs, maxWaitMs);
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
}
