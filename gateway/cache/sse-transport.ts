/**
 * Follows one region's `GET /changes` Server-Sent-Events stream, reconnecting by itself
 * (backing off to 2 s) for as long as the gateway runs.
 *
 * A connection that stays silent is dropped and made again: the publisher writes a
 * keep-alive comment every few seconds whatever its feed does (subgraphs/changes/sse.ts),
 * so silence past `idleMs` means a half-open connection (a region host gone without a
 * FIN, a proxy holding a dead upstream), which would otherwise leave the region's cache
 * and filter untrusted for as long as the gateway runs.
 */
import type { Logger } from 'pino';
import { parseChangeMessage } from '../../common/changes/protocol.ts';
import type { RegionStream } from './region-stream.ts';

const MAX_BACKOFF_MS = 2000;
/** Three of the publisher's keep-alive intervals (KEEP_ALIVE_MS in subgraphs/changes/sse.ts). */
export const DEFAULT_IDLE_MS = 15_000;

/** Headers for one connection attempt (the gateway's signed internal token, fresh each time). */
export type StreamHeaders = () => Record<string, string>;

export function followSse(
  url: string,
  stream: RegionStream,
  logger: Logger,
  headers: StreamHeaders = () => ({}),
  idleMs = DEFAULT_IDLE_MS,
): { stop(): void } {
  let stopped = false;
  let abort = new AbortController();
  let backoff = 100;
  let reported = false;

  const loop = async () => {
    while (!stopped) {
      abort = new AbortController();
      try {
        await readStream(url, stream, abort.signal, headers(), idleMs, () => {
          backoff = 100;
          reported = false;
        });
        if (!stopped) throw new Error('stream ended');
      } catch (error) {
        if (stopped) return;
        stream.closed();
        if (!reported)
          logger.warn(
            { err: error, url, region: stream.region },
            'cache: region change stream lost; reconnecting (wanted notices and alerts bypass the cache meanwhile)',
          );
        reported = true;
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
      abort.abort();
      stream.closed();
    },
  };
}

async function readStream(
  url: string,
  stream: RegionStream,
  signal: AbortSignal,
  headers: Record<string, string>,
  idleMs: number,
  onOpen: () => void,
): Promise<void> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(new Error(`no bytes for ${idleMs} ms (half-open connection?)`)), idleMs);
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no bytes for ${idleMs} ms (half-open connection?)`)), idleMs);
  };
  try {
    await readFrames(url, stream, AbortSignal.any([signal, idle.signal]), headers, onOpen, heard);
  } finally {
    clearTimeout(timer);
  }
}

async function readFrames(
  url: string,
  stream: RegionStream,
  signal: AbortSignal,
  headers: Record<string, string>,
  onOpen: () => void,
  heard: () => void,
): Promise<void> {
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal });
  if (response.status !== 200 || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}, expected 200 text/event-stream`);
  stream.opened();
  onOpen();
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body) {
    heard();
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (!data) continue;
      const parsed = parseChangeMessage(data);
      if ('message' in parsed) stream.receive(parsed.message);
      else throw new Error(`${url}: ${parsed.problem}`);
    }
  }
}
