// Files a run leaves on disk while it works (DuckDB's temporary database, batch's temporary --out
// file) go when the run is stopped: Ctrl-C, SIGTERM, the terminal closing (SIGHUP), or an exit
// mid-way (bin/screen.js exits at once when standard output is a closed pipe). After a signal the
// process ends by it as it would have; one that ignores its default action (PID 1 in a container)
// exits 128+n all the same.
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Calls `cleanup` (synchronous, best effort) if the process is stopped before the returned function
 * is called; calling that (when the run ends or cleans up by itself) stops listening.
 */
export function onStop(cleanup: () => void): () => void {
  const onExit = () => cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    unhook();
    cleanup();
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200);
  };
  const unhook = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', onExit);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  process.once('exit', onExit);
  return unhook;
}
