/**
 * `make(key)` run once per key, its promise shared by every caller (a stream created the first time a region
 * needs it); one that fails is forgotten, so the next caller runs it again.
 */
export function onceEach(make: (key: string) => Promise<void>): (key: string) => Promise<void> {
  const made = new Map<string, Promise<void>>();
  return (key) => {
    let ready = made.get(key);
    if (ready === undefined) {
      ready = make(key);
      ready.catch(() => made.delete(key));
      made.set(key, ready);
    }
    return ready;
  };
}
