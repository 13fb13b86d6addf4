/**
 * HTTP to GZ's legacy service: one undici Pool with keep-alive, a time budget per
 * call, and the legacy envelope `{"code":0,"msg":"ok","data":…}` unwrapped. Every
 * failure leaves here as an AdapterError: the service down or too slow → UNAVAILABLE;
 * an answer that is not the envelope we know → BAD_SOURCE_DATA.
 */
import { Pool } from 'undici';
import { AdapterError } from '../adapter.ts';
import { badData, unavailable } from './errors.ts';
import type { GzSettings } from './settings.ts';
import { injectTraceContext, inSpan, inTracedWork, SPAN, SpanKind, tracingState } from '../../common/tracing/spans.ts';

/** A keep-alive socket the service closed (e.g. it restarted) fails once; retry it on a fresh one. */
const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export type Query = Record<string, string | number | undefined>;

function unwrap(status: number, text: string, what: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (status >= 500) throw unavailable(`${what}: the service answered HTTP ${status}`);
    throw badData(`${what}: expected a JSON envelope, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const envelope = parsed as { code?: unknown; msg?: unknown; data?: unknown };
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.code !== 'number' || typeof envelope.msg !== 'string') {
    throw badData(`${what}: expected {"code":…,"msg":…,"data":…}, got ${text.slice(0, 80)}`);
  }
  if (envelope.code >= 5000) throw unavailable(`${what}: service error ${envelope.code}: ${envelope.msg}`);
  // The 協查 write endpoints' refusals about the request itself (standins/gz/assistance.ts).
  if (envelope.code === 4041) throw new AdapterError('NOT_FOUND', 'GZ', `GZ has no such assistance request (${envelope.msg})`);
  if (envelope.code === 4090)
    throw new AdapterError('CONFLICT', 'GZ', `GZ refused the step: the request's state does not allow it (${envelope.msg})`);
  if (envelope.code !== 0) throw badData(`${what}: the service refused the request (code ${envelope.code}: ${envelope.msg})`);
  return envelope.data;
}

const NO_HEADERS: Record<string, string> = {};

/** `GET /api/v1/persons` from a path: no query, and any segment holding a long number (an id) masked. */
export function routeName(method: string, path: string): string {
  const route = path
    .split('?')[0]
    .split('/')
    .map((segment) => (/\d{4,}/.test(segment) ? '{id}' : segment))
    .join('/');
  return `${method} ${route}`;
}

export class GzClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly settings: GzSettings) {
    this.pool = new Pool(settings.serviceUrl.origin, {
      connections: settings.connections,
      keepAliveTimeout: 10_000,
      connectTimeout: settings.timeoutMs,
    });
    this.basePath = settings.serviceUrl.pathname.replace(/\/$/, '');
  }

  get(path: string, query: Query = {}): Promise<unknown> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.size ? `?${params}` : '';
    return this.call('GET', `${path}${search}`);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.call('POST', path, JSON.stringify(body));
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * Traced, a call is a span of its own and carries `traceparent`, so the legacy
   * service's side can be joined to the trace. The span is named by the fixed route
   * (`GET /api/v1/persons`), never the query or body, which hold identity numbers.
   */
  private call(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
    // Only calls made for a traced request: the change feed's polling would be a trace per poll.
    if (!tracingState.on || !inTracedWork()) return this.untraced(method, path, body, NO_HEADERS);
    return inSpan(
      SPAN.adapterCall,
      { 'liandong.region': 'GZ', 'liandong.adapter.operation': routeName(method, path) },
      () => this.untraced(method, path, body, injectTraceContext({})),
      SpanKind.CLIENT,
    );
  }

  private async untraced(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<unknown> {
    const what = `${method} ${path.split('?')[0]}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.settings.timeoutMs);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.once(method, path, body, abort.signal, what, extraHeaders);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (attempt > 1 || abort.signal.aborted || !code || !STALE_SOCKET_CODES.has(code)) throw error;
        }
      }
    } catch (error) {
      if (error instanceof AdapterError) throw error;
      if (abort.signal.aborted) {
        throw unavailable(`${what} timed out after ${this.settings.timeoutMs} ms`, error);
      }
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      throw unavailable(`${what}: cannot reach ${this.settings.serviceUrl.origin} (${reason})`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async once(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal,
    what: string,
    extraHeaders: Record<string, string>,
  ) {
    const response = await this.pool.request({
      method,
      path: `${this.basePath}${path}`,
      body,
      signal,
      headers:
        body === undefined
          ? { ...extraHeaders, accept: 'application/json' }
          : { ...extraHeaders, accept: 'application/json', 'content-type': 'application/json' },
    });
    return unwrap(response.statusCode, await response.body.text(), what);
  }
}
