/**
 * The logger the subgraph writes to: pino's shape, so callers may pass a pino logger
 * (or a child of theirs); Apollo Server accepts the same four methods.
 */
import { pino } from 'pino';

export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** JSON lines on stderr, so stdout stays free for the one "listening on" line. */
export function defaultLogger(region: string): Logger {
  return pino({ name: `subgraph-${region}`, level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
}

/** For tests that assert on behaviour, not on log noise. */
export const silentLogger: Logger = pino({ level: 'silent' });
