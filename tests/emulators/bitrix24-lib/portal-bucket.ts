// The portal's request limit: a leaky bucket per portal, +1 per request (a batch is one),
// draining continuously; at the threshold requests get 503 QUERY_LIMIT_EXCEEDED.

/** Per-portal leaky bucket: +1 per request, drains continuously, refuses at the threshold. */
export class PortalBucket {
  private level = 0;
  private last = performance.now();
  constructor(
    public drainPerSecond: number,
    public limit: number,
  ) {}
  current(): number {
    const now = performance.now();
    this.level = Math.max(0, this.level - ((now - this.last) / 1000) * this.drainPerSecond);
    this.last = now;
    return this.level;
  }
  tryTake(): boolean {
    if (this.current() >= this.limit) return false;
    this.level += 1;
    return true;
  }
}
