/**
 * The region registry file (`config/regions.json`): which regions exist, where each
 * region's subgraph listens, and how hard the gateway may lean on it.
 *
 * Adding a region is one entry here (no gateway code change). `defaults` saves repeating
 * the timeout, concurrency cap and breaker settings for every region.
 */
import { array, httpUrl, integer, object, onlyKeys, optional, string, type ConfigPath, type Obj } from '../config/check.ts';

/** The three parts of the regional contract; each region serves each at `<url>/<part>`. */
import { CONTRACT_PARTS, type ContractPart } from '../../schema/contract.ts';

export { CONTRACT_PARTS, type ContractPart };

export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one trial call through. */
  cooldownMs: number;
}

/** Region-specific settings handed to the region's adapter (e.g. GZ's `serviceUrl`). */
export type AdapterSettings = Record<string, string | number | boolean>;

export interface Region {
  code: string;
  name: string;
  /** Base URL of the region's subgraph process, without a trailing slash. */
  url: string;
  timeoutMs: number;
  maxConcurrency: number;
  breaker: BreakerSettings;
  envelopes: EnvelopeSettings | false;
  /** Given to the region's subgraph process (`--setting key=value`), which hands them to its adapter. */
  settings: AdapterSettings;
  /** `<url>/records`, `<url>/index`, `<url>/search`. */
  endpoints: Readonly<Record<ContractPart, string>>;
}

/** Concurrent requests to a region sharing one HTTP request (gateway/federation/data-sources/region-envelopes.ts). */
export interface EnvelopeSettings {
  maxInFlight: number;
  maxRequests: number;
}

interface Limits {
  timeoutMs: number;
  maxConcurrency: number;
  breaker: BreakerSettings;
  envelopes: EnvelopeSettings | false;
}

const BUILT_IN_DEFAULTS: Limits = {
  timeoutMs: 2000,
  maxConcurrency: 32,
  breaker: { failureThreshold: 5, cooldownMs: 5000 },
  envelopes: { maxInFlight: 1, maxRequests: 32 },
};

const LIMIT_KEYS = ['timeoutMs', 'maxConcurrency', 'breaker', 'envelopes'] as const;
const REGION_KEYS = ['code', 'name', 'url', ...LIMIT_KEYS, 'settings'] as const;
const CODE = { re: /^[A-Z]{2,3}$/, what: 'a region code of 2–3 capital letters (e.g. "JS")' };

export function validateRegionsFile(raw: unknown, at: ConfigPath): Region[] {
  const root = object(raw, at);
  onlyKeys(root, ['defaults', 'regions'], at);
  const defaultsObj = optional(root.defaults, {} as Obj, (v) => object(v, at.key('defaults')));
  onlyKeys(defaultsObj, LIMIT_KEYS, at.key('defaults'));
  const defaults = validateLimits(defaultsObj, at.key('defaults'), BUILT_IN_DEFAULTS);
  const list = array(root.regions, at.key('regions'));
  if (list.length === 0) at.key('regions').fail('expected at least one region, got an empty list');
  const regions = list.map((entry, i) => validateRegion(entry, at.key('regions').index(i), defaults));
  refuseDuplicates(regions, at.key('regions'));
  return regions;
}

function validateRegion(raw: unknown, at: ConfigPath, defaults: Limits): Region {
  const obj = object(raw, at);
  onlyKeys(obj, REGION_KEYS, at);
  const url = httpUrl(obj.url, at.key('url'));
  return {
    code: string(obj.code, at.key('code'), CODE),
    name: string(obj.name, at.key('name')),
    url,
    ...validateLimits(obj, at, defaults),
    settings: validateSettings(obj.settings, at.key('settings')),
    endpoints: endpointsOf(url),
  };
}

function validateLimits(obj: Obj, at: ConfigPath, fallback: Limits): Limits {
  return {
    timeoutMs: optional(obj.timeoutMs, fallback.timeoutMs, (v) => integer(v, at.key('timeoutMs'), { min: 10, max: 120_000 })),
    maxConcurrency: optional(obj.maxConcurrency, fallback.maxConcurrency, (v) =>
      integer(v, at.key('maxConcurrency'), { min: 1, max: 10_000 }),
    ),
    breaker: optional(obj.breaker, fallback.breaker, (v) => validateBreaker(v, at.key('breaker'), fallback.breaker)),
    envelopes: optional(obj.envelopes, fallback.envelopes, (v) => validateEnvelopes(v, at.key('envelopes'), fallback.envelopes)),
  };
}

/** `false` (every request alone) or the lane's limits; the most per envelope is the token's (64). */
function validateEnvelopes(raw: unknown, at: ConfigPath, fallback: EnvelopeSettings | false): EnvelopeSettings | false {
  if (raw === false) return false;
  const obj = object(raw, at);
  onlyKeys(obj, ['maxInFlight', 'maxRequests'], at);
  const base = fallback || BUILT_IN_DEFAULTS.envelopes || { maxInFlight: 1, maxRequests: 32 };
  return {
    maxInFlight: optional(obj.maxInFlight, base.maxInFlight, (v) => integer(v, at.key('maxInFlight'), { min: 1, max: 1000 })),
    maxRequests: optional(obj.maxRequests, base.maxRequests, (v) => integer(v, at.key('maxRequests'), { min: 2, max: 64 })),
  };
}

function validateBreaker(raw: unknown, at: ConfigPath, fallback: BreakerSettings): BreakerSettings {
  const obj = object(raw, at);
  onlyKeys(obj, ['failureThreshold', 'cooldownMs'], at);
  return {
    failureThreshold: optional(obj.failureThreshold, fallback.failureThreshold, (v) =>
      integer(v, at.key('failureThreshold'), { min: 1, max: 1000 }),
    ),
    cooldownMs: optional(obj.cooldownMs, fallback.cooldownMs, (v) => integer(v, at.key('cooldownMs'), { min: 100, max: 3_600_000 })),
  };
}

function validateSettings(raw: unknown, at: ConfigPath): AdapterSettings {
  const settings = optional(raw, {} as Obj, (v) => object(v, at));
  for (const [key, value] of Object.entries(settings)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      at.key(key).fail(`expected a string, number or boolean, got ${JSON.stringify(value)}`);
    }
  }
  return settings as AdapterSettings;
}

function refuseDuplicates(regions: Region[], at: ConfigPath): void {
  const seen = new Map<string, number>();
  regions.forEach((region, i) => {
    const first = seen.get(region.code);
    if (first !== undefined) at.index(i).key('code').fail(`duplicate region code "${region.code}" (already used by regions[${first}])`);
    seen.set(region.code, i);
  });
}

export function endpointsOf(baseUrl: string): Record<ContractPart, string> {
  return Object.fromEntries(CONTRACT_PARTS.map((part) => [part, `${baseUrl}/${part}`])) as Record<ContractPart, string>;
}
