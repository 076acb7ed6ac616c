import { TASKS, type TaskName } from './tasks.js';

/** What each worker thread runs: the named task from the catalogue. */
export default function runTask({ name, input }: { name: TaskName; input: never }): unknown {
  const task = TASKS[name] as ((input: never) => unknown) | undefined;
  if (!task) throw new Error(`unknown worker task: ${String(name)}`);
  return task(input);
}
