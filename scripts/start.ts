/**
 * `npm start`: the whole system on 127.0.0.1, in one command.
 *
 * 1. builds GraphiQL (`npm run build`) unless dist/graphiql/ is up to date with its
 *    sources (gateway/graphiql/build-stamp.ts);
 * 2. generates the small demo data set into .data/ (`npm run seed`) unless it is there
 *    and was seeded from today's generator (scripts/lib/seed-stamp.ts);
 * 3. starts the GZ legacy stand-in (JS and HB are files: SQLite, GBK CSV exports) and
 *    HB's 協查 intake, which takes in HB's drop folder every few seconds;
 * 4. starts one subgraph process per region in config/regions.json, on its port there;
 * 5. starts the gateway (config/gateway.json; PORT overrides its port);
 * LIANDONG_CONFIG, LIANDONG_REGIONS and LIANDONG_DATA name other config files and data.
 * then prints the GraphiQL URL, example queries and (in development) a token per demo
 * role. A crashed child is reported and restarted with backoff; Ctrl-C stops them all
 * (the gateway first, which ends its audit log with a signed `close` checkpoint).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoTokens } from '../gateway/auth/dev-key.ts';
import { DEFAULT_ASSETS_DIR } from '../gateway/graphiql/assets.ts';
import { staleBuildReason } from '../gateway/graphiql/build-stamp.ts';
import { DEMO_CASE } from '../gateway/auth/demo-case.ts';
import { loadConfig } from '../gateway/config/load.ts';
import type { GatewayConfig } from '../gateway/config/sections.ts';
import { loadRegions } from '../gateway/registry/registry.ts';
import type { Region } from '../gateway/registry/regions-file.ts';
import { GATEWAY_NODE_FLAGS } from '../gateway/runtime-flags.ts';
import { ROOT } from './lib/children.ts';
import { seedStampState, writeSeedStamp } from './lib/seed-stamp.ts';
import { DATA_LAYOUT_VERSION } from '../standins/generator/generate.ts';
import { Supervised, type SupervisedSpec } from './lib/supervisor.ts';

/** Where the demo data lives; `LIANDONG_DATA` moves it (tests start the system on their own copy). */
const DATA_DIR = resolve(ROOT, process.env.LIANDONG_DATA ?? '.data');
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Regional systems that run as a process, and the adapter setting that says where. */
const STANDIN_PROCESSES = [{ region: 'GZ', file: 'standins/gz/server.ts', urlSetting: 'serviceUrl' }] as const;

function npmScripts(): Record<string, string> {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
}

/** Runs an npm script in the foreground; a failure stops `npm start` with the script's own output above. */
function runScript(name: string, args: string[] = []): void {
  log(`» npm run ${name} ${args.join(' ')}`.trimEnd());
  const result = spawnSync('npm', ['run', '--silent', name, ...(args.length ? ['--', ...args] : [])], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run ${name} failed (exit ${result.status ?? result.signal})`);
}

/**
 * What a first start does once: the GraphiQL bundle and the demo data. A later start
 * skips each when it is already there and up to date, so it only starts the processes.
 */
function prepare(): void {
  const scripts = npmScripts();
  if (scripts.build) {
    const stale = staleBuildReason(DEFAULT_ASSETS_DIR, ROOT);
    if (stale === null) log(`» GraphiQL build is up to date (${DEFAULT_ASSETS_DIR})`);
    else {
      log(`» building GraphiQL: ${stale}`);
      runScript('build');
    }
  }
  const scenarios = join(DATA_DIR, 'scenarios.json');
  if (existsSync(scenarios)) {
    // Data in an older layout (e.g. from before case assignments: every region's adapter
    // would fail the need-to-know lookup) cannot be read by today's stand-ins, however it
    // was seeded: seed it again.
    const layout = layoutOf(scenarios);
    if (layout < DATA_LAYOUT_VERSION)
      log(`» demo data in ${DATA_DIR} has layout ${layout}, today's stand-ins read layout ${DATA_LAYOUT_VERSION}: seeding it again`);
    else {
      const state = seedStampState(DATA_DIR, ROOT);
      if (state === 'fresh') return log(`» demo data is up to date (${DATA_DIR})`);
      if (state === 'unstamped')
        return log(`» demo data found in ${DATA_DIR} (seeded outside npm start: kept; delete it to have npm start seed it again)`);
      log(`» demo data in ${DATA_DIR} was seeded by an older generator: seeding it again`);
    }
  }
  if (!scripts.seed) return log('» no demo data and no `npm run seed` script yet: regions will start without data');
  runScript('seed', ['--data', DATA_DIR]);
  writeSeedStamp(DATA_DIR, ROOT);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The data's layout version (scenarios.json `layoutVersion`); data from before it was written: 2 if its cases have officers, else 1. */
function layoutOf(scenariosFile: string): number {
  try {
    const scenarios = JSON.parse(readFileSync(scenariosFile, 'utf8'));
    if (typeof scenarios?.layoutVersion === 'number') return scenarios.layoutVersion;
    return Array.isArray(scenarios?.crossRegionCase?.officers) ? 2 : 1;
  } catch {
    return 0;
  }
}

function portOf(url: string, what: string): string {
  const port = new URL(url).port;
  if (!port) throw new Error(`${what} ${url} names no port; npm start needs an explicit port to start the process on`);
  return port;
}

function standinSpecs(regions: readonly Region[]): SupervisedSpec[] {
  return STANDIN_PROCESSES.flatMap(({ region, file, urlSetting }) => {
    const url = regions.find((r) => r.code === region)?.settings[urlSetting];
    if (typeof url !== 'string') return [];
    const port = portOf(url, `regions.json ${region} settings.${urlSetting}`);
    return [{ name: `${region} stand-in`, file, args: ['--port', port, '--data', DATA_DIR] }];
  });
}

/**
 * HB's system takes assistance requests in from its drop folder (standins/hb/system.ts):
 * run with the demo data's HB, and only when HB's files are where the demo puts them (a
 * registry naming other folders for HB is a real HB, whose own system does this).
 */
function hbIntakeSpecs(regions: readonly Region[]): SupervisedSpec[] {
  const hb = regions.find((r) => r.code === 'HB');
  if (!hb || hb.settings.exportsDir !== undefined || hb.settings.dropDir !== undefined) return [];
  return [{ name: 'HB intake', file: 'standins/hb/system.ts', args: ['--data', DATA_DIR], ready: /^HB intake running/ }];
}

function subgraphSpec(region: Region): SupervisedSpec {
  const settings = Object.entries(region.settings).flatMap(([key, value]) => ['--setting', `${key}=${value}`]);
  return {
    name: `subgraph ${region.code}`,
    file: 'subgraphs/main.ts',
    args: ['--region', region.code, '--port', portOf(region.url, `regions.json ${region.code} url`), '--data', DATA_DIR, ...settings],
  };
}

async function startAll(specs: SupervisedSpec[], children: Supervised[]): Promise<void> {
  await Promise.all(
    specs.map(async (spec) => {
      const child = new Supervised(spec, log);
      children.push(child);
      await child.start();
    }),
  );
}

async function printWelcome(config: GatewayConfig, graphqlUrl: string): Promise<void> {
  const scenarios = existsSync(join(DATA_DIR, 'scenarios.json'))
    ? JSON.parse(readFileSync(join(DATA_DIR, 'scenarios.json'), 'utf8'))
    : null;
  const idNumber = scenarios?.personInAllRegions?.legacyIdNumber ?? '321202980212127';
  const caseId = scenarios?.crossRegionCase?.caseId ?? DEMO_CASE.caseId;
  const lead = scenarios?.crossRegionCase?.officers?.[0] ?? DEMO_CASE.lead;
  log('');
  log(`Liandong is running. GraphiQL: ${graphqlUrl} (open it in a browser)`);
  log('');
  // Each example names the demo role it is for and a purpose that suits it: a role without
  // a field's scope gets that field null with a FORBIDDEN error, which is no way to start.
  log('Example queries (README.md has them as curl commands), with the demo role and X-Purpose each is for:');
  log(`  patrol-officer, X-Purpose "patrol-check: roadside check":`);
  log(`    { person(idNumber: "${idNumber}") { idNumber regions records { region name birthDate } wantedNotices { region status } } }`);
  log(
    `  investigator, X-Purpose "investigation; case=${caseId}" (contact details: ${lead}, the investigator token below, leads the case):`,
  );
  log(
    `    { case(id: "${caseId}") { id type parties { role person { idNumber records { region name address phone } vehicles { plate vehicle { alerted } } } } } }`,
  );
  log(`  analyst, X-Purpose "analysis: fraud cases by region" (a search needs at least one filter field):`);
  log('    { searchCases(filter: { type: TELECOM_FRAUD }, first: 5) { totalCount edges { node { id region status place } } } }');
  log('  any role, no X-Purpose:');
  log('    { regions { code name status latencyMs } }');
  if (config.mode === 'development') await printTokens(config);
  log('');
  log('Send `Authorization: Bearer <token>` and `X-Purpose: <code>: <text or case id>`. Ctrl-C stops everything.');
}

async function printTokens(config: GatewayConfig): Promise<void> {
  const keysDir = config.auth.keysDir;
  log('');
  log('Demo tokens (development only, valid 12 h):');
  for (const { role, sub, region, token } of await demoTokens(keysDir)) log(`  ${role} (${sub}, ${region}):\n    ${token}`);
}

async function main(): Promise<void> {
  const config = loadConfig(undefined, process.env);
  const regions = loadRegions(config.regions);
  // Timed, so a slow start says whether it was the one-off preparation or the processes.
  const started = performance.now();
  prepare();
  const prepared = performance.now();
  log(`» prepared in ${seconds(prepared - started)}; starting the processes`);
  const children: Supervised[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('» stopping…');
    for (const child of children) child.beginStop();
    // Gateway first (no new queries), then subgraphs, then the systems they read.
    for (const child of [...children].reverse()) await child.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  try {
    await startAll([...standinSpecs(regions), ...hbIntakeSpecs(regions)], children);
    await startAll(regions.map(subgraphSpec), children);
    // Stopped with time for its in-flight requests and then its final signed audit checkpoint:
    // a SIGKILL before that would leave the log's tail unsigned.
    // LIANDONG_DATA: GraphiQL's saved examples open with this data's people, case and vehicle (development).
    const gateway = {
      name: 'gateway',
      file: 'gateway/main.ts',
      nodeArgs: GATEWAY_NODE_FLAGS,
      args: ['--config', config.file],
      env: { LIANDONG_DATA: DATA_DIR },
      stopGraceMs: config.server.shutdownGraceMs + 10_000,
    };
    await startAll([gateway], children);
    log(`» everything is ready after ${seconds(performance.now() - started)} (processes: ${seconds(performance.now() - prepared)})`);
    await printWelcome(config, children.at(-1)!.url ?? `http://${config.server.host}:${config.server.port}/graphql`);
  } catch (error) {
    log(`npm start: ${(error as Error).message}`);
    await stop(1);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(2);
});
