// A fixed number of async workers over a task list. Every task runs (tasks catch their
// own errors when the caller wants to keep going); the first error thrown is rethrown
// once all workers stopped.
export async function runPool(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let i = 0;
  let failure: unknown;
  let failed = false;
  const worker = async () => {
    while (i < tasks.length && !failed) {
      const t = tasks[i++]!;
      try {
        await t();
      } catch (e) {
        if (!failed) failure = e;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  if (failed) throw failure;
}
