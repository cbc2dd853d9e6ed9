/** A wait ran out of the demo's time budget; its message names what was awaited and how far it got. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** The demo's time budget: every wait polls or races against it, so nothing waits on a fixed sleep. */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = Date.now() + budgetMs;
  }

  get remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** Polls `condition` until it holds; on timeout the error names `what` and the progress at that moment. */
  async waitUntil(condition: () => boolean, what: string, progress?: () => string): Promise<void> {
    while (!condition()) {
      if (this.remainingMs === 0) throw this.timeout(what, progress?.());
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, this.remainingMs)));
    }
  }

  /** Bounds one await (startup, a send, an HTTP call) by what is left of the budget. */
  async race<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timeout(what)), this.remainingMs);
    });
    try {
      return await Promise.race([promise, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private timeout(what: string, progress?: string): DeadlineExceededError {
    const detail = progress ? `; at that point: ${progress}` : '';
    return new DeadlineExceededError(
      `Timed out after ${this.budgetMs / 1000} s waiting for ${what}${detail}`,
    );
  }
}
