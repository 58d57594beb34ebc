// Entry of a compute-pool worker thread: the server runs from TypeScript sources, so the thread registers tsx's loader before it loads the tasks.
import { register } from 'tsx/esm/api';

register();
const { serve } = await import('./workerTasks.ts');

export default serve;
