/**
 * Liandong's production shape (docker-compose.yml) from real processes on this machine,
 * no Docker: redis-server, the keys set up by the compose `keys` service's own script,
 * the GZ legacy stand-in, one subgraph per region publishing its changes on Redis, two
 * gateway replicas each with its own audit instance, and Debian's nginx in front of them
 * with docker/nginx/nginx.conf (nginx.ts). The replicas read the files compose mounts —
 * docker/config/gateway.json and regions.json — with only what this machine needs
 * changed: addresses (loopback, free ports) and the keys directory's path. The caller may
 * lay further gateway.json settings over them (the suite tightens the limits so that a
 * crossing takes a few requests, not hundreds).
 *
 * Every process is started by the test and stopped by stop(), whatever happened.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devKeyFiles, mintDevToken } from '../../gateway/auth/dev-key.ts';
import { ROOT } from '../../scripts/lib/children.ts';
import { freePort } from '../support/ports.ts';
import { startProcess, type TestProcess } from '../support/processes.ts';
import { startRedis, type RedisHandle } from '../support/redis.ts';
import { postQuery, REGION_CODES, seedData, type GraphQLResponse, type Officer, type Scenarios } from '../support/system.ts';
import { startNginx, type NginxHandle } from './nginx.ts';

export interface Replica {
  /** AUDIT_INSTANCE, as compose names the services. */
  instance: string;
  url: string;
  /** SIGTERM: in-flight requests finish, then the final signed checkpoint. */
  stop(): Promise<void>;
  /** SIGKILL, like a crash or an OOM kill. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it listens. */
  start(): Promise<void>;
  output(): string;
}

export interface Topology {
  /** The load balancer: what clients use. */
  url: string;
  replicas: Replica[];
  redis: RedisHandle;
  nginx: NginxHandle;
  keysDir: string;
  /** Where the test's identity provider keeps the key officers' tokens are signed with. */
  idpDir: string;
  configDir: string;
  gzUrl: string;
  /** The regions' data (tests write to JS's database as its application would). */
  dataDir: string;
  scenarios: Scenarios;
  /** POSTs a GraphQL operation to `url` (default: nginx) as a demo officer. */
  query(query: string, variables?: Record<string, unknown>, as?: Officer, url?: string): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

const MOUNTED = join(ROOT, 'docker/config');

export async function startTopology(options: { replicas?: number; gatewayConfig?: Record<string, unknown> } = {}): Promise<Topology> {
  const root = mkdtempSync(join(tmpdir(), 'liandong-replicas-'));
  const configDir = join(root, 'config');
  const keysDir = join(root, 'keys');
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    if (!redis) throw new Error('redis-server is not installed');
    stoppers.push(() => redis.stop());
    const dataDir = await seedData();
    stoppers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // An identity provider of the test's own (not the dev key, which a production gateway
    // refuses): its public keys are mounted as the users' JWKS, as a real deployment does,
    // before the compose `keys` service runs (compose's own `--demo-idp` is checked in tests/compose).
    const idpDir = join(root, 'identity-provider');
    await mintDevToken(idpDir, { sub: 'key-setup', region: 'JS', roles: [] });
    mkdirSync(keysDir, { recursive: true });
    copyFileSync(devKeyFiles(idpDir).jwksFile, join(keysDir, 'users.jwks.json'));
    await startProcess({ name: 'keys', file: 'docker/init-keys.ts', args: ['--dir', keysDir], readyLine: /^keys ready/ });
    const common = { LIANDONG_KEYS_DIR: keysDir, LOG_LEVEL: 'info' };

    const gzPort = await freePort();
    const gz = await startProcess({
      name: 'gz-legacy',
      file: 'standins/gz/server.ts',
      args: ['--port', String(gzPort), '--data', dataDir],
      env: common,
    });
    stoppers.push(() => gz.stop());
    const gzUrl = `http://127.0.0.1:${gzPort}`;

    const subgraphUrls: Record<string, string> = {};
    for (const code of REGION_CODES) {
      const port = await freePort();
      const settings = code === 'GZ' ? ['--setting', `serviceUrl=${gzUrl}`] : [];
      // As compose configures them: by environment, publishing change events on Redis.
      const subgraph = await startProcess({
        name: `subgraph-${code.toLowerCase()}`,
        file: 'subgraphs/main.ts',
        args: settings,
        env: {
          ...common,
          SUBGRAPH_REGION: code,
          SUBGRAPH_PORT: String(port),
          SUBGRAPH_HOST: '127.0.0.1',
          SUBGRAPH_DATA: dataDir,
          REDIS_URL: redis.url,
        },
      });
      stoppers.push(() => subgraph.stop());
      subgraphUrls[code] = `http://127.0.0.1:${port}`;
    }

    writeMountedConfig(configDir, { keysDir, subgraphUrls, gzUrl, overrides: options.gatewayConfig ?? {} });

    const replicas: Replica[] = [];
    for (let i = 1; i <= (options.replicas ?? 2); i++) {
      const replica = await startReplica(`gateway-${i}`, await freePort(), {
        ...common,
        REDIS_URL: redis.url,
        AUDIT_REDIS_URL: redis.url,
        LIANDONG_CONFIG: join(configDir, 'gateway.json'),
        LIANDONG_REGIONS: join(configDir, 'regions.json'),
      });
      stoppers.push(() => replica.stop());
      replicas.push(replica);
    }
    const nginx = await startNginx(replicas.map((r) => new URL(r.url).host));
    stoppers.push(() => nginx.stop());
    const scenarios = JSON.parse(readFileSync(join(dataDir, 'scenarios.json'), 'utf8')) as Scenarios;
    const url = `${nginx.url}/graphql`;
    return {
      url,
      replicas,
      redis,
      nginx,
      keysDir,
      idpDir,
      configDir,
      gzUrl,
      dataDir,
      scenarios,
      query: (query, variables, as = { roles: ['investigator'] }, target = url) => postQuery(target, idpDir, { query, variables }, as),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * docker/config/*.json as mounted at /etc/liandong, with this machine's addresses: the
 * replicas listen on loopback, the regions are at their loopback ports, keys live in the
 * test's directory. Everything else (production mode, Redis cache and changes, Redis
 * audit sink, trustProxy, …) is as compose runs it.
 */
function writeMountedConfig(
  dir: string,
  o: { keysDir: string; subgraphUrls: Record<string, string>; gzUrl: string; overrides: Record<string, unknown> },
): void {
  const gateway = JSON.parse(readFileSync(join(MOUNTED, 'gateway.json'), 'utf8'));
  gateway.server.host = '127.0.0.1';
  gateway.auth.jwksFile = join(o.keysDir, 'users.jwks.json');
  gateway.auth.keysDir = o.keysDir;
  gateway.audit.keysDir = o.keysDir;
  for (const [key, value] of Object.entries(o.overrides)) gateway[key] = { ...gateway[key], ...(value as object) };
  const regions = JSON.parse(readFileSync(join(MOUNTED, 'regions.json'), 'utf8'));
  for (const region of regions.regions) {
    if (!o.subgraphUrls[region.code])
      throw new Error(`docker/config/regions.json names region ${region.code}, which the topology does not start`);
    region.url = o.subgraphUrls[region.code];
    if (region.settings?.serviceUrl) region.settings.serviceUrl = o.gzUrl;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gateway.json'), `${JSON.stringify(gateway, null, 2)}\n`);
  writeFileSync(join(dir, 'regions.json'), `${JSON.stringify(regions, null, 2)}\n`);
}

async function startReplica(instance: string, port: number, env: Record<string, string>): Promise<Replica> {
  let proc: TestProcess | null = null;
  // The last process's output outlives it: a killed replica's log explains a failure.
  let last: TestProcess | null = null;
  const make = async () => {
    proc = last = await startProcess({
      name: instance,
      file: 'gateway/main.ts',
      env: { ...env, PORT: String(port), AUDIT_INSTANCE: instance },
    });
  };
  await make();
  return {
    instance,
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await proc?.stop();
      proc = null;
    },
    kill: async () => {
      await proc?.kill();
      proc = null;
    },
    start: async () => {
      if (!proc) await make();
    },
    output: () => last?.output() ?? '',
  };
}
