// What a compute-pool worker runs: the tasks, with the real engine and a cache of the rule sets this thread has compiled.
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../engine.js';
import { CompiledCache, runTask, type Task, type TaskOutcome } from './tasks.js';

const api: EngineApi = engine;
const cache = new CompiledCache(api);

/** Runs one task sent by the pool. */
export function serve(task: Task): Promise<TaskOutcome> {
  return runTask(api, cache, task);
}
