/**
 * One place that knows what a run has left behind (child processes, temp dirs, open sockets) and
 * removes it however the run ends: normally, by an error, or by Ctrl-C.
 */

type CleanupTask = () => void | Promise<void>;

const tasks = new Map<number, { label: string; task: CleanupTask }>();
let nextId = 1;
let cleaning: Promise<void> | null = null;

/** Registers a task; call the returned function once the thing is gone to forget it. */
export function onCleanup(label: string, task: CleanupTask): () => void {
  const id = nextId++;
  tasks.set(id, { label, task });
  return () => {
    tasks.delete(id);
  };
}

/** Runs every registered task, newest first (a socket goes before the server it talks to). */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    const pending = [...tasks.values()].reverse();
    tasks.clear();
    for (const { label, task } of pending) {
      try {
        await task();
      } catch (error) {
        console.error(`cleanup: ${label}: ${String(error)}`);
      }
    }
  })();
  return cleaning;
}

/** Ctrl-C, `kill` and crashes still kill the children and remove the temp dirs. */
export function installExitHandlers(): void {
  const stop = (why: string, code: number) => {
    console.error(`\n${why}: cleaning up…`);
    // A second signal, or a cleanup that hangs, must not keep the process alive.
    setTimeout(() => process.exit(code), 5000).unref();
    void cleanupAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop('interrupted', 130));
  process.once('SIGTERM', () => stop('terminated', 143));
  process.on('uncaughtException', (error) => {
    console.error(error);
    stop('uncaught exception', 1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(error);
    stop('unhandled rejection', 1);
  });
}
