/**
 * The subgraph process's settings, from its command line and environment.
 *
 *   --region JS        (SUBGRAPH_REGION)  region code; its adapter is adapters/<code>/index.ts
 *   --port 4101        (SUBGRAPH_PORT)    0 picks a free port
 *   --host 127.0.0.1   (SUBGRAPH_HOST)
 *   --data .data       (SUBGRAPH_DATA)    data root handed to the adapter
 *   --logs DIR         (SUBGRAPH_LOGS)    where the region's disclosure and witness logs go (default: --data)
 *   --setting key=value …                 adapter settings (numbers and true/false are typed)
 *   --filters on|off   (SUBGRAPH_FILTERS) publish the region's membership filter at GET /filter (default on;
 *                                         off: the gateway asks this region for every key)
 *   --filter-snapshot FILE|off (SUBGRAPH_FILTER_SNAPSHOT) where the filter is kept across restarts
 *                                         (default <logs>/<REGION>/membership-filter.json; off: rebuilt
 *                                         from every key the region holds at each start)
 *   --filter-capacity N (SUBGRAPH_FILTER_CAPACITY) keys the first filter build is sized for (default
 *                                         1000000; a region that holds more is read a second time, for a
 *                                         filter 1.25 × its keys: size it to the region to spare that)
 *   --tracing                (SUBGRAPH_TRACING=true)           OpenTelemetry tracing on (default off)
 *   --tracing-otlp-url URL   (SUBGRAPH_TRACING_OTLP_URL)       OTLP/HTTP traces endpoint, required with --tracing
 *   --tracing-service-name N (SUBGRAPH_TRACING_SERVICE_NAME)   default liandong-subgraph-<region>
 *   --tracing-sample-ratio R (SUBGRAPH_TRACING_SAMPLE_RATIO)   0–1 for traces the subgraph starts (default 1);
 *                                                              a request with a traceparent follows the gateway
 * Command-line flags win over the environment. The tracing settings are the gateway's
 * `tracing` section (tracing/settings.ts) under other names.
 */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AdapterOptions } from '../adapters/adapter.ts';
import { isRegionCode } from './ids.ts';
import { checkTracingSettings, type TracingSettings } from '../common/tracing/settings.ts';

export interface SubgraphConfig {
  region: string;
  host: string;
  port: number;
  dataDir: string;
  /** Root of the region's own logs (`<logsDir>/<region>/disclosure-…`); default the data root. */
  logsDir: string;
  settings: AdapterOptions['settings'];
  tracing: TracingSettings;
  /** Publish the membership filter (subgraphs/filters/). */
  filters: boolean;
  /** Where the membership filter is kept across restarts (subgraphs/filters/snapshot.ts); null: not kept. */
  filterSnapshot: string | null;
  /** Keys the first membership filter build is sized for; null: the default (subgraphs/filters/index.ts). */
  filterCapacity: number | null;
}

export const USAGE =
  'usage: npm run subgraph -- --region JS --port 4101 [--host 127.0.0.1] [--data .data] [--logs DIR] [--setting key=value …]';

function settingValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function parseSettings(pairs: readonly string[]): AdapterOptions['settings'] {
  const settings: AdapterOptions['settings'] = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--setting "${pair}": expected key=value, e.g. --setting serviceUrl=http://127.0.0.1:4202`);
    settings[pair.slice(0, eq)] = settingValue(pair.slice(eq + 1));
  }
  return settings;
}

function parsePort(text: string | undefined, source: string): number {
  if (text === undefined) throw new Error(`missing --port (or SUBGRAPH_PORT); ${USAGE}`);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`${source} "${text}": expected a port number from 0 to 65535`);
  return port;
}

/** Throws an Error naming the bad setting; the caller prints it and exits. */
export function parseSubgraphConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SubgraphConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      region: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      logs: { type: 'string' },
      setting: { type: 'string', multiple: true },
      filters: { type: 'string' },
      'filter-snapshot': { type: 'string' },
      'filter-capacity': { type: 'string' },
      tracing: { type: 'boolean' },
      'tracing-otlp-url': { type: 'string' },
      'tracing-service-name': { type: 'string' },
      'tracing-sample-ratio': { type: 'string' },
    },
    strict: true,
  });
  const region = (values.region ?? env.SUBGRAPH_REGION)?.trim().toUpperCase();
  if (!region) throw new Error(`missing --region (or SUBGRAPH_REGION); ${USAGE}`);
  if (!isRegionCode(region)) throw new Error(`--region "${region}": expected a 2–3 letter region code such as JS`);
  const dataDir = resolve(values.data ?? env.SUBGRAPH_DATA ?? '.data');
  const logsDir = resolve(values.logs ?? env.SUBGRAPH_LOGS ?? dataDir);
  return {
    region,
    port: parsePort(values.port ?? env.SUBGRAPH_PORT, values.port !== undefined ? '--port' : 'SUBGRAPH_PORT'),
    host: values.host ?? env.SUBGRAPH_HOST ?? '127.0.0.1',
    dataDir,
    logsDir,
    settings: parseSettings(values.setting ?? []),
    filters: parseFilters(values.filters, env.SUBGRAPH_FILTERS),
    filterSnapshot: parseFilterSnapshot(
      values['filter-snapshot'],
      env.SUBGRAPH_FILTER_SNAPSHOT,
      join(logsDir, region, 'membership-filter.json'),
    ),
    filterCapacity: parseFilterCapacity(values['filter-capacity'], env.SUBGRAPH_FILTER_CAPACITY),
    tracing: parseTracing(values, env, region),
  };
}

/** A whole number of keys from 1,000 to 1,000,000,000 (a filter at 1% costs 1.2 bytes a key). */
function parseFilterCapacity(flag: string | undefined, variable: string | undefined): number | null {
  const [value, source] = flag !== undefined ? [flag, '--filter-capacity'] : [variable, 'SUBGRAPH_FILTER_CAPACITY'];
  if (value === undefined) return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1000 || n > 1_000_000_000)
    throw new Error(`${source} "${value}": expected a whole number of keys from 1000 to 1000000000`);
  return n;
}

function parseFilters(flag: string | undefined, variable: string | undefined): boolean {
  const [value, source] = flag !== undefined ? [flag, '--filters'] : [variable, 'SUBGRAPH_FILTERS'];
  if (value === undefined || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`${source} "${value}": expected on or off`);
}

/** The snapshot file, or null for off; a directory or an empty value is refused at start, not at the first save. */
function parseFilterSnapshot(flag: string | undefined, variable: string | undefined, fallback: string): string | null {
  const [value, source] = flag !== undefined ? [flag, '--filter-snapshot'] : [variable, 'SUBGRAPH_FILTER_SNAPSHOT'];
  if (value === undefined) return fallback;
  if (value === 'off') return null;
  if (value.trim() === '') throw new Error(`${source} "": expected a file path or off`);
  const file = resolve(value);
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    // absent: created at the first save
  }
  if (isDirectory) throw new Error(`${source} "${value}": expected a file path or off, not a directory`);
  return file;
}

const TRACING_NAMES = {
  enabled: ['--tracing', 'SUBGRAPH_TRACING'],
  otlpUrl: ['--tracing-otlp-url', 'SUBGRAPH_TRACING_OTLP_URL'],
  serviceName: ['--tracing-service-name', 'SUBGRAPH_TRACING_SERVICE_NAME'],
  sampleRatio: ['--tracing-sample-ratio', 'SUBGRAPH_TRACING_SAMPLE_RATIO'],
} as const;

function parseTracing(
  values: Record<string, string | boolean | string[] | undefined>,
  env: NodeJS.ProcessEnv,
  region: string,
): TracingSettings {
  const pick = (setting: keyof typeof TRACING_NAMES) => {
    const [flag, variable] = TRACING_NAMES[setting];
    const fromFlag = values[flag.slice(2)];
    if (fromFlag !== undefined) return { value: fromFlag, source: flag };
    return { value: env[variable], source: env[variable] !== undefined ? variable : `${flag} (or ${variable})` };
  };
  const enabled = pick('enabled');
  const ratio = pick('sampleRatio');
  const sources: Record<string, string> = {};
  for (const setting of Object.keys(TRACING_NAMES) as (keyof typeof TRACING_NAMES)[]) sources[setting] = pick(setting).source;
  const asBoolean = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);
  const asNumber = (value: unknown) => (typeof value === 'string' && /^\d*\.?\d+$/.test(value) ? Number(value) : value);
  return checkTracingSettings(
    {
      enabled: asBoolean(enabled.value),
      otlpUrl: pick('otlpUrl').value,
      serviceName: pick('serviceName').value,
      sampleRatio: asNumber(ratio.value),
    },
    { serviceName: `liandong-subgraph-${region.toLowerCase()}` },
    (setting, problem) => {
      throw new Error(`${sources[setting]}: ${problem}`);
    },
  );
}
