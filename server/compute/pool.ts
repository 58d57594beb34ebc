// The worker pool (piscina) that runs the compute tasks off the event loop; started on first use, sized to the machine, with a bounded queue and a memory cap per worker.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { Task, TaskOutcome } from './tasks.js';

export interface ComputePool {
  /** Worker threads at most; a sweep is split into this many parts. */
  readonly threads: number;
  run(task: Task): Promise<TaskOutcome>;
  /** Stops the workers (waits for running tasks). */
  destroy(): Promise<void>;
}

export interface PoolOptions {
  /** Worker threads (default: the machine's cores). */
  threads?: number;
  /** Tasks waiting beyond these are refused (503 busy) instead of queued without end. */
  maxQueue?: number;
  /** An idle worker exits after this long. */
  idleTimeoutMs?: number;
  /** Old-generation heap of one worker: a task that needs more fails alone instead of taking the server down. */
  maxMemoryMb?: number;
  /** How much the workers' threads are lowered in priority below the event loop's (Linux nice value, default 5; 0: not). */
  niceness?: number;
}

const WORKER = new URL('./worker.mjs', import.meta.url).href;

/** A pool whose threads start when the first task comes. */
export function createComputePool(opts: PoolOptions = {}): ComputePool {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  let pool: Piscina | null = null;
  const get = () =>
    (pool ??= new Piscina({
      filename: WORKER,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: opts.idleTimeoutMs ?? 60_000,
      maxQueue: opts.maxQueue ?? 64,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxMemoryMb ?? 1024 },
      workerData: { niceness: opts.niceness ?? 5 },
    }));
  return {
    threads,
    run: (task) => get().run(task) as Promise<TaskOutcome>,
    destroy: async () => {
      const p = pool;
      pool = null;
      await p?.destroy();
    },
  };
}
