/** The JS region's adapter factory: reads `<dataDir>/js/jiangsu-police.sqlite` (or settings.dbPath). */
import { join } from 'node:path';
import { AdapterError, type AdapterFactory } from '../adapter.ts';
import { createJsAdapter } from './adapter.ts';

const JS_DB_FILE = 'js/jiangsu-police.sqlite';

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AdapterError('BAD_INPUT', 'JS', `setting ${name} must be a positive integer (ms), got ${String(value)}`);
  return n;
}

export const createAdapter: AdapterFactory = async (options) => {
  const path = typeof options.settings.dbPath === 'string' ? options.settings.dbPath : join(options.dataDir, JS_DB_FILE);
  return createJsAdapter(path, positiveInt(options.settings.changePollMs, 'changePollMs', 1000));
};
