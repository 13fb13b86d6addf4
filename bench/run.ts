/**
 * `npm run bench` — the benchmark report. `--quick` keeps it under two minutes;
 * `--only 1,2` runs some workloads. Everything runs on 127.0.0.1 and stops by itself.
 * Prints a table and writes bench/results/latest.json.
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runPeerWorkload } from './peer/workload.ts';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const only = onlyArg ? new Set(onlyArg.split(',')) : null;
const wanted = (n: string) => !only || only.has(n);
const log = (line: string) => console.log(line);

const timing = quick
  ? { seconds: 5, rounds: 3, connections: 50, warmupSeconds: 2 }
  : { seconds: 15, rounds: 5, connections: 50, warmupSeconds: 5 };

const report: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  cpuCount: cpus().length,
  cpuModel: cpus()[0]?.model,
  node: process.version,
  quick,
  timing,
};

if (wanted('1')) {
  log('== workload 1: public gateway benchmark (bench-peer) ==');
  const w1 = await runPeerWorkload({ ...timing, log });
  report.peer = w1;
  report.ratioVsApolloGateway = w1.ratioVsApolloGateway;
  console.table(Object.fromEntries(Object.entries(w1.contenders).map(([name, s]) => [name, {
    'req/s': s.rps.toFixed(1), 'p50 ms': s.p50, 'p99 ms': s.p99,
    'CPU ms/req': s.cpuPerRequestMs?.toFixed(2) ?? '-', 'vs apollo': s.ratioVsReference.toFixed(2), errors: s.errors,
  }])));
}

report.finishedAt = new Date().toISOString();
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(report, null, 2) + '\n');
log('wrote bench/results/latest.json');
process.exit(0);
