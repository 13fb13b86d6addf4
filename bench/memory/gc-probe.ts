/**
 * Preloaded into the gateway process for the memory workload only (never in
 * production): on SIGUSR2, run a full GC (the process has `--expose-gc`) and write
 * `process.memoryUsage()` as JSON to $BENCH_HEAP_FILE. A signal and a file, no inspector
 * and no debug endpoint in the gateway, so the measured process is the real one.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_HEAP_FILE;
const gc = (globalThis as { gc?: () => void }).gc;
if (file && gc) {
  process.on('SIGUSR2', () => {
    gc();
    gc(); // a second pass collects what the first one's finalisers released
    writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
  });
}
