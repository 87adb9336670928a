/** A set of strings that also supports picking a uniformly random member in O(1). */
export class IndexedSet {
  private readonly items: string[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  has(item: string): boolean {
    return this.positions.has(item);
  }

  add(item: string): void {
    if (this.positions.has(item)) return;
    this.positions.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: string): void {
    const at = this.positions.get(item);
    if (at === undefined) return;
    const last = this.items.pop()!;
    this.positions.delete(item);
    if (at < this.items.length) {
      this.items[at] = last;
      this.positions.set(last, at);
    }
  }

  at(index: number): string {
    return this.items[index]!;
  }

  values(): readonly string[] {
    return this.items;
  }
}
