/**
 * `node --import tsx bench/audit.ts [--records N] [--concurrency C] [--dir DIR]`
 *
 * Measures the audit log alone on this machine's disk: the latency of append() (queue →
 * one write + one fdatasync → resolved), median and p99, and appends per second, at a
 * given concurrency (in-flight requests). Group commit is what keeps the median near one
 * fsync while throughput grows with concurrency; compare with --concurrency 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openAuditServices } from '../gateway/audit/audit-log.ts';
import { loadAuditConfig } from '../gateway/audit/config.ts';
import { AuditMetrics } from '../common/log/metrics.ts';
import { buildAuditRecord } from '../gateway/audit/record.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    dir: { type: 'string' },
    index: { type: 'boolean', default: false },
  },
});
const total = Number(values.records);
const concurrency = Number(values.concurrency);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'liandong-audit-bench-'));

function record(n: number) {
  return buildAuditRecord({
    auditId: `bench-${n}`,
    instance: 'bench',
    startedAt: Date.now() - 3,
    clientAddress: '127.0.0.1',
    userAgent: 'bench',
    caller: { sub: `officer-${n % 50}`, name: 'Officer', region: 'JS', roles: ['investigator'], scopes: new Set(), anonymous: false },
    purpose: { code: 'CASE', text: 'case work', caseRef: 'JS:C-2026-000123' },
    operationName: 'PersonLookup',
    operationType: 'query',
    operationHash: 'a'.repeat(64),
    variables: { id: '320102198001011238' },
    requested: ['Query.person', 'Person.idNumber', 'Person.records', 'PersonRecord.name'],
    denied: [],
    subjects: { persons: ['320102198001011238'], cases: [], plates: [], records: ['JS:P-1'] },
    regions: [{ region: 'JS', subgraph: 'index', status: 'hit', latencyMs: 3.2 }],
    errorCodes: [],
    hasData: true,
    httpStatus: 200,
  });
}

const metrics = new AuditMetrics();
const config = loadAuditConfig(
  {},
  {
    dir: join(dir, 'audit'),
    keyDir: join(dir, 'keys'),
    indexPath: values.index ? join(dir, 'index.sqlite') : null,
    instance: 'bench',
    checkpointIntervalMs: 0,
  },
);
const audit = await openAuditServices(config, { metrics });
const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const n = next++;
      const t = performance.now();
      await audit.log.append(record(n));
      latencies.push(performance.now() - t);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await audit.close();
if (!values.dir) rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
console.log(
  JSON.stringify({
    records: total,
    concurrency,
    index: values.index,
    appendsPerSecond: Math.round(total / seconds),
    latencyMs: { p50: Number(at(0.5)), p90: Number(at(0.9)), p99: Number(at(0.99)) },
    fsyncBatches: metrics.fsyncBatches,
    recordsPerFsync: Number((metrics.recordsWritten / metrics.fsyncBatches).toFixed(1)),
  }),
);
