/**
 * One writer per log directory. Two gateways appending to the same files would
 * interleave two chains into one broken one; the lock file (holding the writer's pid)
 * makes the second refuse to start instead. A lock left by a process that no longer
 * exists (kill -9, power cut) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const heldHere = new Set<string>();

/** Take the lock at `path`; returns its release. Throws naming the holder when it is taken. */
export function acquireWriterLock(path: string): () => void {
  if (heldHere.has(path)) throw new Error(`log lock ${path} is already held by this process: one writer per log directory`);
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (alive(holder)) {
      throw new Error(
        `log directory is being written by process ${holder} (lock ${path}); give each gateway instance its own audit directory`,
      );
    }
    writeFileSync(path, `${process.pid}\n`, { mode: 0o600 }); // stale: its writer is gone
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    rmSync(path, { force: true });
  };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
