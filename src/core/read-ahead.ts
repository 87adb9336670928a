/**
 * Hands out `source`'s items in order, each with `start(item)`, which is begun soon after the item arrives:
 * up to `window` items ahead of the one being handled are in flight at once. For a stream of messages that
 * each need a round trip (an event read from its region), this overlaps the round trips instead of paying
 * them one after another. The items that arrived during one turn of the event loop are started together at
 * its end, so requests made by `start` leave in one write rather than one each. A rejected `start` reaches
 * the caller when it awaits that item's result.
 */
export async function* readAhead<T, R>(
  source: AsyncIterable<T>,
  start: (item: T) => Promise<R>,
  window: number,
): AsyncGenerator<{ item: T; result: Promise<R> }> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: { item: T; result: Promise<R> }[] = [];
  let unstarted: { item: T; begin: () => void }[] = [];
  const startAll = () => {
    const batch = unstarted;
    unstarted = [];
    for (const { begin } of batch) begin();
  };
  let pulling: Promise<IteratorResult<T>> | undefined = iterator.next();
  const take = (next: IteratorResult<T>) => {
    if (next.done) {
      pulling = undefined;
      return;
    }
    const item = next.value;
    const result = new Promise<R>((resolve, reject) => {
      if (unstarted.length === 0) setImmediate(startAll);
      unstarted.push({ item, begin: () => start(item).then(resolve, reject) });
    });
    result.catch(() => undefined); // handled where it is awaited
    queue.push({ item, result });
    pulling = iterator.next();
  };
  while (pulling !== undefined || queue.length > 0) {
    if (queue.length === 0) {
      take(await pulling!);
      continue;
    }
    if (pulling !== undefined && queue.length < window) {
      // Whichever comes first: the next item, or the oldest one's result.
      const arrived = pulling;
      const next = await Promise.race([
        arrived,
        queue[0]!.result.then(
          () => undefined,
          () => undefined,
        ),
      ]);
      if (next !== undefined) {
        take(next);
        continue;
      }
    }
    yield queue.shift()!;
  }
}
