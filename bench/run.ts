/**
 * `npm run bench` — the benchmark report. `--quick` keeps it under two minutes;
 * `--only 1,2` runs some workloads. Everything runs on 127.0.0.1 and stops by itself.
 * Prints a table and writes bench/results/latest.json.
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runPeerWorkload } from './peer/workload.ts';
import { runRegionalWorkload } from './regional/workload.ts';
import { runFanoutWorkload } from './fanout/workload.ts';
import { printRounds, printRows } from './lib/table.ts';

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
  printRounds(w1.contenders, 'apollo');
}

if (wanted('2')) {
  log('== workload 2: cross-region person lookup ==');
  const w2 = await runRegionalWorkload({ ...timing, log });
  report.regional = w2;
  printRounds(w2.contenders, '(b)');
}

if (wanted('3')) {
  log('== workload 3: fan-out scaling ==');
  const sizes = quick ? [3, 32] : [3, 8, 16, 32];
  const w3 = await runFanoutWorkload({ ...timing, seconds: quick ? 3 : 8, sizes, log });
  report.fanout = w3;
  printRows(Object.fromEntries(Object.entries(w3.results).map(([k, r]) => [k, { 'req/s': r.rps as number, 'p50 ms': r.p50 as number, 'p99 ms': r.p99 as number, '+p50 vs slowest': r.addedP50 as number, errors: r.errors as number }])));
}

report.finishedAt = new Date().toISOString();
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(report, null, 2) + '\n');
log('wrote bench/results/latest.json');
process.exit(0);
