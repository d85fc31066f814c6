// Saving: every edit becomes one request, sent in order, one at a time.
//
// An edit stays queued until the server confirms it. When the server or the network fails, the queue keeps
// the edit, says so and retries with exponential backoff (or at once, on "Retry"); when the server refuses
// an edit (overlap, already removed, not allowed), the edit's `refused` handler undoes it on the page and the
// page shows why. Nothing is dropped without a message.

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;

export const SKIP = Symbol("skip");

export class SaveQueue {
  /**
   * @param {(state: {status: string, message: string, pending: number, retryIn: number}) => void} onState
   */
  constructor(onState) {
    this.onState = onState;
    this.ops = [];
    this.running = false;
    this.failures = 0;
    this.timer = null;
    this.retryAt = 0;
    this.message = "";
    this.waiters = [];
  }

  get pending() {
    return this.ops.length;
  }

  get idle() {
    return this.ops.length === 0;
  }

  /**
   * Queues an edit.
   * @param {{kind: string, send: () => Promise<any>, done?: (result: any) => void,
   *          refused?: (error: Error) => void}} op `send` runs when the edit's turn comes (so it sees server ids
   *          that earlier edits obtained) and may return `SKIP` when there is nothing left to send.
   */
  push(op) {
    op.queuedAt = performance.now();
    this.ops.push(op);
    this.report();
    if (!this.running && this.timer === null) this.pump();
  }

  /** Drops queued (not yet sent) edits that `predicate` picks; the one in flight stays. */
  drop(predicate) {
    const keep = this.ops.filter((op, i) => (i === 0 && this.running) || !predicate(op));
    this.ops = keep;
    this.report();
  }

  retryNow() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.running) this.pump();
  }

  /** Resolves once every queued edit is saved (or refused). */
  whenIdle() {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async pump() {
    this.timer = null;
    if (this.running) return;
    this.running = true;
    while (this.ops.length > 0) {
      const op = this.ops[0];
      this.report();
      let result;
      try {
        result = await op.send();
      } catch (error) {
        if (error.retryable) {
          this.failures += 1;
          const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.failures - 1));
          this.message = error.message;
          this.retryAt = Date.now() + delay;
          this.running = false;
          this.timer = setTimeout(() => this.pump(), delay);
          this.report();
          return;
        }
        this.ops.shift();
        this.failures = 0;
        this.message = "";
        if (op.refused) op.refused(error);
        continue;
      }
      this.ops.shift();
      this.failures = 0;
      this.message = "";
      if (result !== SKIP) {
        if (op.done) op.done(result);
        document.dispatchEvent(
          new CustomEvent("editor:confirmed", { detail: { kind: op.kind, ms: performance.now() - op.queuedAt } }),
        );
      }
    }
    this.running = false;
    this.report();
    const waiters = this.waiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  report() {
    let status = "saved";
    if (this.timer !== null) status = "retrying";
    else if (this.ops.length > 0) status = "saving";
    this.onState({
      status,
      message: this.message,
      pending: this.ops.length,
      retryIn: status === "retrying" ? Math.max(0, this.retryAt - Date.now()) : 0,
    });
  }
}
