// A promise queue that runs one task at a time, so store writes never interleave.

/** Runs tasks strictly one after another, in call order. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task);
    // The queue continues after a failed task; the caller still sees the failure.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
