/** Each person's watch time on the current day (UTC), from their plays: what the screen-time reminder reads. */
const DAY_MS = 86_400_000;

export class ScreenTime {
  private readonly today = new Map<string, { day: number; ms: number }>();

  watched(userId: string, ts: number, watchMs: number): void {
    const day = Math.floor(ts / DAY_MS);
    const entry = this.today.get(userId);
    if (entry === undefined || entry.day < day) this.today.set(userId, { day, ms: watchMs });
    else if (entry.day === day) entry.ms += watchMs;
  }

  /** Watch time on the day of `now`. */
  watchedOn(userId: string, now: number): number {
    const entry = this.today.get(userId);
    return entry !== undefined && entry.day === Math.floor(now / DAY_MS) ? entry.ms : 0;
  }

  forgetUser(userId: string): void {
    this.today.delete(userId);
  }
}
