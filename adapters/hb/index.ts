/**
 * The HB region's adapter factory. Reads exports from `<dataDir>/hb/exports` (or
 * settings.exportsDir) and keeps its index in `<dataDir>/hb/index` (settings.indexDir);
 * drops assistance requests into `<dataDir>/hb/xiecha-in` (settings.dropDir).
 */
import { join } from 'node:path';
import { AdapterError, type AdapterFactory } from '../adapter.ts';
import { createHbAdapter } from './adapter.ts';

function setting(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AdapterError('BAD_INPUT', 'HB', `setting ${name} must be a positive integer, got ${String(value)}`);
  return n;
}

function dir(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '')
    throw new AdapterError('BAD_INPUT', 'HB', `setting ${name} must be a directory path, got ${String(value)}`);
  return value;
}

export const createAdapter: AdapterFactory = (options) =>
  createHbAdapter({
    exportsDir: dir(options.settings.exportsDir, 'exportsDir', join(options.dataDir, 'hb', 'exports')),
    indexDir: dir(options.settings.indexDir, 'indexDir', join(options.dataDir, 'hb', 'index')),
    dropDir: dir(options.settings.dropDir, 'dropDir', join(options.dataDir, 'hb', 'xiecha-in')),
    pollMs: setting(options.settings.pollMs, 'pollMs', 5000),
    maxChangeEvents: setting(options.settings.maxChangeEvents, 'maxChangeEvents', 100_000),
  });
