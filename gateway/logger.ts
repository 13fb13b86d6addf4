/**
 * The gateway's structured log (pino, JSON lines on stdout). `LOG_LEVEL` sets the level;
 * tests and benchmarks lower the noise with `LOG_LEVEL=warn`.
 */
import { pino, type Logger } from 'pino';

export function createLogger(env: Readonly<Record<string, string | undefined>> = process.env): Logger {
  return pino({ name: 'liandong-gateway', level: env.LOG_LEVEL ?? 'info' });
}
