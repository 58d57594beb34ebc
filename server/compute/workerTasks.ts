// What a compute-pool worker runs: the tasks, with the real engine and a cache of the rule sets this thread has compiled.
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { workerData } from 'node:worker_threads';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../engine.js';
import { CompiledCache, runTask, type Task, type TaskOutcome } from './tasks.js';

const api: EngineApi = engine;
const cache = new CompiledCache(api);

// Heavy work gives way to the event loop: on Linux each thread has its own nice value, so this thread is lowered and
// the server's main thread wins the CPU whenever both want it (elsewhere this is skipped). By 5: at 10 a sweep took
// twice as long on a machine busy with other work, with no better latency for the event loop.
const niceness = (workerData as { niceness?: number } | undefined)?.niceness ?? 5;
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (niceness && Number.isInteger(tid) && tid > 0) os.setPriority(tid, niceness);
} catch {
  // not Linux, or not allowed: the thread keeps the process's priority
}

/** Runs one task sent by the pool. */
export function serve(task: Task): Promise<TaskOutcome> {
  return runTask(api, cache, task);
}
