/**
 * Follows one region's `GET /changes` Server-Sent-Events stream, reconnecting by itself
 * (backing off to 2 s) for as long as the gateway runs.
 */
import type { Logger } from 'pino';
import { parseChangeMessage } from '../../common/changes/protocol.ts';
import type { RegionStream } from './region-stream.ts';

const MAX_BACKOFF_MS = 2000;

/** Headers for one connection attempt (the gateway's signed internal token, fresh each time). */
export type StreamHeaders = () => Record<string, string>;

export function followSse(url: string, stream: RegionStream, logger: Logger, headers: StreamHeaders = () => ({})): { stop(): void } {
  let stopped = false;
  let abort = new AbortController();
  let backoff = 100;
  let reported = false;

  const loop = async () => {
    while (!stopped) {
      abort = new AbortController();
      try {
        await readStream(url, stream, abort.signal, headers(), () => {
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
  onOpen: () => void,
): Promise<void> {
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal });
  if (response.status !== 200 || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}, expected 200 text/event-stream`);
  stream.opened();
  onOpen();
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body) {
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
