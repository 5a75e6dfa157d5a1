/**
 * One run at a time of an async job. A call while it runs asks for one more run after it (calls meanwhile collapse
 * into that one), so a trigger that comes mid-run is never lost and never doubles the work. `more()` says whether
 * that next run should still happen (not after a stop).
 */
export class Rerun {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly job: () => Promise<void>,
    private readonly more: () => boolean = () => true,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.job();
      } while (this.again && this.more());
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves when no run is going on. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
