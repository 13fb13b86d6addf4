/**
 * The whole system as real processes on free loopback ports, for integration tests:
 * the GZ legacy stand-in, the three regional subgraphs and the gateway, with a region
 * registry generated for those ports. Each region's subgraph sits behind a counting
 * proxy (see counting-proxy.ts) so tests can see which regions were asked.
 *
 *   const dataDir = await seedData();
 *   const system = await startSystem({ dataDir });
 *   … fetch(system.gatewayUrl, …); await system.standins.GZ.stop(); …
 *   await system.stop();
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { freePort } from './ports.ts';
import { startCountingProxy, type CountingProxy, type FilterAnswer } from './counting-proxy.ts';
import { writeJson } from './gateway.ts';
import { startProcess, type TestProcess } from './processes.ts';

export const REGION_CODES = ['JS', 'GZ', 'HB'] as const;
export type RegionCode = (typeof REGION_CODES)[number];

/** A process the test may stop and start again on the same port. */
export interface Restartable {
  url: string;
  stop(): Promise<void>;
  /** SIGKILL, like a crash. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface RegionHandle extends Restartable {
  /** The URL the gateway uses (the counting proxy in front of the subgraph, unless the system is `direct`). */
  subgraphUrl: string;
  proxy: CountingProxy;
  /** The subgraph process now running (null while stopped): its exit code after a stop. */
  current(): TestProcess | null;
}

export interface SystemOptions {
  dataDir: string;
  /** Per-region timeout in the generated registry (default 2000 ms). */
  regionTimeoutMs?: number;
  /** Extra gateway.json settings (e.g. auth, audit sections). */
  gatewayConfig?: Record<string, unknown>;
  /** Extra environment for the gateway process. */
  gatewayEnv?: Record<string, string>;
  /** Extra environment for every regional subgraph process (e.g. SUBGRAPH_TRACING_*). */
  subgraphEnv?: Record<string, string>;
  /**
   * The gateway calls the subgraphs themselves, not their counting proxies (which stay,
   * unused): for tests of the gateway's own connections to a region (keep-alive, drain).
   */
  direct?: boolean;
  /** How a region's proxy passes on its membership filter (default as it is; counting-proxy.ts). */
  filterAnswers?: Partial<Record<RegionCode, FilterAnswer>>;
}

export interface System {
  gatewayUrl: string;
  regions: Record<RegionCode, RegionHandle>;
  standins: { GZ: Restartable };
  /** The gateway process: stopped, killed (-9) and started again on the same port. */
  gateway: Restartable;
  /** The dev-token keys directory every process reads (mint tokens with it). */
  keysDir: string;
  /** The generated config directory (gateway.json, regions.json). */
  configDir: string;
  /** What the generator wrote about the demo data: the scenario ids tests ask for. */
  scenarios: Scenarios;
  /** Everything the gateway process wrote (its JSON log), for assertions and failure diagnosis. */
  gatewayOutput(): string;
  /** Resets every region's request counts. */
  resetCounts(): void;
  /** POSTs a GraphQL operation to the gateway as a demo officer (default: an investigator). */
  query(query: string, variables?: Record<string, unknown>, as?: Officer): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

export interface Officer {
  roles: string[];
  region?: string;
  /** Police number (the token's `sub`); default `TEST-<roles>`, which is no police number and so assigned to no case. */
  sub?: string;
  /** The X-Purpose header (default: a patrol check). */
  purpose?: string;
}

export interface GraphQLResponse {
  status: number;
  data?: any;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

const INVESTIGATOR: Officer = { roles: ['investigator'], region: 'JS' };

export interface Scenarios {
  personInAllRegions: { idNumber: string; legacyIdNumber: string; name: string; recordIds: Record<RegionCode, string> };
  crossRegionCase: {
    caseId: string;
    suspectIdNumber: string;
    plate: string;
    vehicleRecordId: string;
    hbAlertId: string;
    officers: string[];
  };
  wantedInHb: { idNumber: string; noticeId: string; jsRecordId: string };
}

/** Generates the small demo data set into a fresh temporary directory. */
export async function seedData(persons = 200): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-data-'));
  await startProcess({
    name: 'seed',
    file: 'standins/generator/cli.ts',
    args: ['--data', dir, '--persons', String(persons), '--quiet'],
    readyLine: /^seeded /,
  });
  return dir;
}

/** Starts `make()` now and again after every stop, always on the same port. */
async function restartable(url: string, make: () => Promise<TestProcess>): Promise<Restartable & { current(): TestProcess | null }> {
  let proc: TestProcess | null = await make();
  return {
    url,
    current: () => proc,
    stop: async () => {
      await proc?.stop();
      proc = null;
    },
    kill: async () => {
      await proc?.kill();
      proc = null;
    },
    start: async () => {
      if (!proc) proc = await make();
    },
  };
}

export async function startSystem(options: SystemOptions): Promise<System> {
  const configDir = mkdtempSync(join(tmpdir(), 'liandong-system-'));
  // Every process reads the dev signing key and the gateway's internal-token key from here.
  const keysEnv = { LIANDONG_KEYS_DIR: join(configDir, 'keys') };
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAllStarted = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    const gzPort = await freePort();
    const gz = await restartable(`http://127.0.0.1:${gzPort}`, () =>
      startProcess({
        name: 'GZ stand-in',
        file: 'standins/gz/server.ts',
        args: ['--port', String(gzPort), '--data', options.dataDir],
        env: keysEnv,
      }),
    );
    started.push(gz);
    const regions = {} as Record<RegionCode, RegionHandle>;
    for (const code of REGION_CODES) {
      const port = await freePort();
      const settings = code === 'GZ' ? ['--setting', `serviceUrl=${gz.url}`] : [];
      const subgraph = await restartable(`http://127.0.0.1:${port}`, () =>
        startProcess({
          name: `subgraph ${code}`,
          file: 'subgraphs/main.ts',
          args: ['--region', code, '--port', String(port), '--data', options.dataDir, ...settings],
          env: { ...keysEnv, ...options.subgraphEnv },
        }),
      );
      started.push(subgraph);
      const proxy = await startCountingProxy(subgraph.url, options.filterAnswers?.[code]);
      started.push({ stop: () => proxy.close() });
      regions[code] = { ...subgraph, subgraphUrl: options.direct ? subgraph.url : proxy.url, proxy };
    }
    writeJson(join(configDir, 'regions.json'), {
      defaults: { timeoutMs: options.regionTimeoutMs ?? 2000 },
      regions: REGION_CODES.map((code) => ({ code, name: code, url: regions[code].subgraphUrl })),
    });
    // A fixed port, so a restarted gateway is found where clients left it.
    const gatewayPort = await freePort();
    writeJson(join(configDir, 'gateway.json'), {
      mode: 'development',
      allowAnonymous: true,
      server: { host: '127.0.0.1', port: gatewayPort, shutdownGraceMs: 1000 },
      // Its own audit log: one directory belongs to one gateway instance.
      audit: { dir: join(configDir, 'audit'), keysDir: keysEnv.LIANDONG_KEYS_DIR },
      // Every test query comes from one of a few officers, faster than any person types: the
      // per-officer rate limit (tested on its own in tests/security/limits.test.ts) is raised.
      limits: { rateLimit: { burst: 10_000, perSecond: 10_000 } },
      ...options.gatewayConfig,
    });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    let output = '';
    const gateway = await restartable(gatewayUrl, async () => {
      const proc = await startProcess({
        name: 'gateway',
        file: 'gateway/main.ts',
        args: ['--config', join(configDir, 'gateway.json')],
        // LIANDONG_DATA: GraphiQL's saved examples open with this data's values, as under npm start.
        env: { LOG_LEVEL: 'info', ...keysEnv, LIANDONG_DATA: options.dataDir, ...options.gatewayEnv },
      });
      const before = output;
      const read = proc.output;
      proc.output = () => before + read();
      return proc;
    });
    started.push({
      stop: async () => {
        output = gateway.current()?.output() ?? output;
        await gateway.stop();
      },
    });
    const current = () => gateway.current()?.output() ?? output;
    return {
      gatewayUrl: gateway.current()!.url ?? gatewayUrl,
      gateway: {
        url: gatewayUrl,
        start: gateway.start,
        stop: async () => {
          output = current();
          await gateway.stop();
        },
        kill: async () => {
          output = current();
          await gateway.kill();
        },
      },
      keysDir: keysEnv.LIANDONG_KEYS_DIR,
      regions,
      standins: { GZ: gz },
      configDir,
      scenarios: JSON.parse(readFileSync(join(options.dataDir, 'scenarios.json'), 'utf8')) as Scenarios,
      gatewayOutput: current,
      resetCounts: () => REGION_CODES.forEach((code) => regions[code].proxy.reset()),
      query: (query, variables, as = INVESTIGATOR) => postQuery(gatewayUrl, keysEnv.LIANDONG_KEYS_DIR, { query, variables }, as),
      stop: stopAllStarted,
    };
  } catch (error) {
    await stopAllStarted();
    throw error;
  }
}

/**
 * Posts one operation as `as`, with a dev token signed by the key in `keysDir`. An answer
 * that is not JSON (a proxy's 502 page) comes back as an error naming its first bytes.
 */
export async function postQuery(url: string, keysDir: string, body: unknown, as: Officer): Promise<GraphQLResponse> {
  const token = await mintDevToken(keysDir, {
    sub: as.sub ?? `TEST-${as.roles.join('-')}`,
    region: as.region ?? 'JS',
    roles: as.roles,
    ttlSeconds: 600,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-purpose': as.purpose ?? 'patrol-check: integration test',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/**
 * One seeded system for a whole test file: seeded and started in beforeAll, stopped and
 * its data removed in afterAll, whatever happened. Read it inside tests: `seeded.system`.
 */
export function seededSystem(options: Omit<SystemOptions, 'dataDir'> = {}): { readonly system: System; readonly dataDir: string } {
  let system: System | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await seedData();
    system = await startSystem({ ...options, dataDir });
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get system() {
      if (!system) throw new Error('the seeded system is not started: read it inside a test, not at module load');
      return system;
    },
    get dataDir() {
      if (!dataDir) throw new Error('the seeded system has no data yet: read it inside a test');
      return dataDir;
    },
  };
}
