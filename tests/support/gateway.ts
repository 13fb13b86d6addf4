/**
 * An in-process gateway for tests: writes a config and a region registry into a temporary
 * directory, starts the gateway on a free port, and removes everything on `close()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/logger.ts';
import { createGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server.ts';
import { closedPort } from '../../scripts/lib/ports.ts';

export interface RegionEntryJson {
  code: string;
  name: string;
  url: string;
  timeoutMs?: number;
  [setting: string]: unknown;
}

export interface TestGatewayOptions extends Omit<GatewayOptions, 'logger'> {
  /** Region registry entries; default: one region at a port nothing listens on. */
  regions?: RegionEntryJson[];
  /** Extra gateway.json settings, merged over the test defaults. */
  config?: Record<string, unknown>;
}

export interface TestGateway extends RunningGateway {
  dir: string;
  regionsFile: string;
  /** Stops the gateway (flushing what it writes at shutdown) and keeps its directory to inspect; close() still removes it. */
  stop(): Promise<void>;
}

/**
 * A URL where nothing listens, so a region there is down (connection refused). Not port 9
 * or similar: fetch refuses those "bad ports" outright, which would not look like a region
 * going down. See closedPort for why not a port found free with listen(0).
 */
export async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-gateway-'));
  const regionsFile = join(dir, 'regions.json');
  writeJson(regionsFile, { regions: options.regions ?? [{ code: 'XX', name: 'Nowhere', url: await deadUrl(), timeoutMs: 200 }] });
  const configFile = join(dir, 'gateway.json');
  // Anonymous access (development only) keeps these tests about the gateway core, not about tokens.
  // Each test gateway keeps its own audit log: one writer per audit directory.
  writeJson(configFile, {
    mode: 'development',
    allowAnonymous: true,
    server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 500 },
    audit: { dir: join(dir, 'audit') },
    ...options.config,
  });
  const config = loadConfig(configFile, {});
  // Quiet by default: these gateways talk to regions that are down on purpose.
  const logger = createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
  try {
    const gateway = await createGateway(config, { ...options, logger });
    return {
      ...gateway,
      dir,
      regionsFile,
      stop: () => gateway.close(),
      close: async () => {
        await gateway.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
