// Runs controller reactions to storage events outside the write that caused them, one at a time.
import type { Logger } from '../core/index.js';

export class SerialQueue {
  private readonly tasks: (() => Promise<void> | void)[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  push(task: () => Promise<void> | void): void {
    if (this.stopped) return;
    this.tasks.push(task);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const task = this.tasks.shift();
      if (task === undefined) break;
      try {
        await task();
      } catch (err) {
        this.logger.warn({ err, controller: this.name }, 'controller task failed');
      }
    }
    this.running = false;
  }

  /** Resolves once every queued task (and those they queue) has run. */
  async idle(): Promise<void> {
    while (this.running || this.tasks.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  stop(): void {
    this.stopped = true;
    this.tasks.length = 0;
  }
}
