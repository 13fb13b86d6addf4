/**
 * The gateway's own configuration sections: mode, anonymous access, the HTTP server and
 * where the region registry lives.
 */
import { resolve } from 'node:path';
import { boolean, integer, object, oneOf, onlyKeys, optional, string, type ConfigPath } from './check.ts';
import { section, type Mode } from './section.ts';

export const MODES: readonly Mode[] = ['development', 'production'];

/** Validated separately and first: other sections read it from their context. */
export function validateMode(raw: unknown, at: ConfigPath): Mode {
  return optional(raw, 'development' as Mode, (v) => oneOf(v, MODES, at));
}

export const modeSection = section({
  key: 'mode',
  validate: (raw, at) => validateMode(raw, at),
});

/** Anonymous callers are a development/benchmark convenience; production refuses them outright. */
export const allowAnonymousSection = section({
  key: 'allowAnonymous',
  validate(raw, at, { mode }): boolean {
    const allow = optional(raw, false, (v) => boolean(v, at));
    if (allow && mode === 'production') at.fail('anonymous access cannot be enabled when mode is "production"');
    return allow;
  },
});

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest accepted request body; larger requests get HTTP 413 before any parsing. */
  bodyLimitBytes: number;
  /** Take the client address from X-Forwarded-For (only behind a trusted load balancer). */
  trustProxy: boolean;
  /** How long `close()` waits for in-flight requests before cutting connections. */
  shutdownGraceMs: number;
}

const SERVER_KEYS = ['host', 'port', 'bodyLimitBytes', 'trustProxy', 'shutdownGraceMs'] as const;

export const serverSection = section({
  key: 'server',
  validate(raw, at, { env }): ServerConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, SERVER_KEYS, at);
    const port =
      env.PORT !== undefined
        ? integer(numeric(env.PORT), at.key('port').envOverride('PORT'), { min: 0, max: 65535 })
        : optional(obj.port, 4000, (v) => integer(v, at.key('port'), { min: 0, max: 65535 }));
    return {
      host: optional(obj.host, '127.0.0.1', (v) => string(v, at.key('host'))),
      port,
      bodyLimitBytes: optional(obj.bodyLimitBytes, 1_048_576, (v) =>
        integer(v, at.key('bodyLimitBytes'), { min: 1024, max: 64 * 1_048_576 }),
      ),
      trustProxy: optional(obj.trustProxy, false, (v) => boolean(v, at.key('trustProxy'))),
      shutdownGraceMs: optional(obj.shutdownGraceMs, 5000, (v) => integer(v, at.key('shutdownGraceMs'), { min: 0, max: 600_000 })),
    };
  },
});

/** Environment values are text; keep non-numbers as text so the error shows what was set. */
function numeric(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Path of the region registry file; `LIANDONG_REGIONS` overrides it. */
export const regionsFileSection = section({
  key: 'regions',
  validate(raw, at, { env, dir }): string {
    if (env.LIANDONG_REGIONS) return resolve(env.LIANDONG_REGIONS);
    return resolve(
      dir,
      optional(raw, 'regions.json', (v) => string(v, at)),
    );
  },
});
