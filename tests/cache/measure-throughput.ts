/**
 * Throughput of a repeated person lookup through the gateway with a warm entity cache
 * and with the cache off, on the demo system (real processes, loopback). Not a test: a
 * measurement for the issue note, with the benchmark harness's load tool.
 *
 *   node --import tsx tests/cache/measure-throughput.ts [--seconds 5] [--rounds 2] [--connections 16]
 *
 * One system, two gateway processes over the same regions — one with the default
 * cache, one with `cache.enabled: false` — measured in interleaved rounds so drift in
 * the machine's load hits both alike.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { median, runLoad, type LoadResult } from '../../bench/lib/load.ts';
import { writeJson } from '../support/gateway.ts';
import { startProcess } from '../support/processes.ts';
import { seedData, startSystem } from '../support/system.ts';
import { PERSON_NAMES } from './support.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

const dataDir = await seedData();
// One benchmark officer sends every request: the per-officer rate limit would measure itself.
const system = await startSystem({ dataDir, gatewayConfig: { limits: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } } } });
try {
  const keysDir = join(system.configDir, 'keys');
  const uncachedConfig = join(system.configDir, 'gateway-no-cache.json');
  const config = JSON.parse(readFileSync(join(system.configDir, 'gateway.json'), 'utf8'));
  writeJson(uncachedConfig, { ...config, cache: { enabled: false } });
  const uncached = await startProcess({
    name: 'gateway without cache',
    file: 'gateway/main.ts',
    args: ['--config', uncachedConfig, '--port', '0'],
    env: { LIANDONG_KEYS_DIR: keysDir, AUDIT_DIR: join(system.configDir, 'audit-no-cache'), AUDIT_INSTANCE: 'no-cache', LOG_LEVEL: 'warn' },
  });
  const token = await mintDevToken(keysDir, { sub: 'BENCH', region: 'JS', roles: ['investigator'], ttlSeconds: 3600 });
  const headers = { authorization: `Bearer ${token}`, 'x-purpose': 'patrol-check: cache benchmark' };
  const body = JSON.stringify({ query: PERSON_NAMES, variables: { id: system.scenarios.personInAllRegions.idNumber } });
  const contenders = { 'warm cache': system.gatewayUrl, 'cache off': uncached.url! };
  const results: Record<string, LoadResult[]> = { 'warm cache': [], 'cache off': [] };
  await system.query(PERSON_NAMES, { id: system.scenarios.personInAllRegions.idNumber }); // warms the cache
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, url] of Object.entries(contenders)) {
      results[name].push(await runLoad({ url, body, headers, connections, seconds }));
    }
  }
  for (const [name, list] of Object.entries(results)) {
    const rps = median(list.map((r) => r.rps));
    const p50 = median(list.map((r) => r.p50));
    const p99 = median(list.map((r) => r.p99));
    const failed = list.reduce((n, r) => n + r.errors + r.non2xx, 0);
    console.log(
      `${name.padEnd(10)}  ${rps.toFixed(0).padStart(6)} req/s  p50 ${p50} ms  p99 ${p99} ms  failed ${failed}  (${rounds} × ${seconds} s, ${connections} connections)`,
    );
  }
  await uncached.stop();
} finally {
  await system.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
