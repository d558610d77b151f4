/** A FIFO async mutex. `acquire()` resolves with a release function once every earlier holder released. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private held = false;

  get isLocked(): boolean {
    return this.held;
  }

  get queueLength(): number {
    return this.waiting;
  }

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    this.waiting++;
    return previous.then(() => {
      this.waiting--;
      this.held = true;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.held = false;
        release();
      };
    });
  }
}
