/**
 * Preloaded into the gateway and the region processes for the soak only (never in
 * production): measures the event-loop delay all along (monitorEventLoopDelay, 10 ms
 * resolution) and, on SIGUSR2, runs a full GC (the process has `--expose-gc`) and writes
 * `process.memoryUsage()` with the delay's p99 and max since the last signal to
 * `$BENCH_PROBE_DIR/<pid>.json`, then starts a new delay window (the GC itself left
 * out of it). A process's first window holds its start-up: the soak leaves it out. A signal and a file: no
 * inspector and no debug endpoint in the measured process.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.BENCH_PROBE_DIR;
const gc = (globalThis as { gc?: () => void }).gc;
if (dir && gc) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('SIGUSR2', () => {
    const loop = { p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
    // The probe's own full GCs block the loop: measured, they would be the next window's max.
    delay.disable();
    gc();
    gc(); // a second pass collects what the first one's finalisers released
    // Written aside and renamed: the soak never reads a half-written file.
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.partial`, JSON.stringify({ at: Date.now(), ...process.memoryUsage(), loop }));
    renameSync(`${file}.partial`, file);
    delay.reset();
    setImmediate(() => delay.enable());
  });
}
