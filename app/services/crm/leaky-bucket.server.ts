// Client-side copy of the portal's leaky bucket (+1 per request, drains at `ratePerSecond`,
// blocks at `capacity`). Staying under it avoids QUERY_LIMIT_EXCEEDED instead of reacting to it.
//
// A request is counted when it is released, right before it is sent, not when it starts waiting:
// if the event loop stalls, counting early would let a backlog go out as one burst the portal
// (whose bucket was idle meanwhile) refuses.

export class LeakyBucket {
  private level = 0;
  private last: number;
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new RangeError("LeakyBucket needs ratePerSecond > 0 and capacity >= 1");
    this.last = now();
  }

  /** Resolves (in FIFO order) once one more request fits; send right away. Returns the ms waited. */
  async acquire(): Promise<number> {
    const started = this.now();
    if (this.waiting.length === 0 && this.tryTake()) return 0;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
    return this.now() - started;
  }

  /** The portal said we are over its limit (maybe shared with other clients): assume a full bucket. */
  saturate(): void {
    this.drain();
    this.level = Math.max(this.level, this.capacity);
  }

  /** How long until one more request would go without waiting (0: now), counting those already waiting. */
  readyInMs(): number {
    this.drain();
    return Math.max(0, ((this.level + 1 + this.waiting.length - this.capacity) / this.ratePerSecond) * 1000);
  }

  current(): number {
    this.drain();
    return this.level;
  }

  private tryTake(): boolean {
    this.drain();
    if (this.level + 1 > this.capacity) return false;
    this.level += 1;
    return true;
  }

  private schedule(): void {
    if (this.timer) return;
    this.drain();
    const waitMs = Math.max(0, ((this.level + 1 - this.capacity) / this.ratePerSecond) * 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      while (this.waiting.length && this.tryTake()) this.waiting.shift()!();
      if (this.waiting.length) this.schedule();
    }, Math.ceil(waitMs));
  }

  private drain(): void {
    const t = this.now();
    this.level = Math.max(0, this.level - ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }
}
