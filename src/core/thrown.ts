/** What a caught value says: an Error's message, or anything else thrown (a string, a rejection reason) as text. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** As `messageOf`, but of the underlying cause when there is one: fetch's "fetch failed" says why only in its cause. */
export function causeMessageOf(thrown: unknown): string {
  return thrown instanceof Error && thrown.cause !== undefined ? messageOf(thrown.cause) : messageOf(thrown);
}
