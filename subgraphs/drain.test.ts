/**
 * Closing a subgraph server under a keep-alive client, over real HTTP: the request in
 * flight is answered and told to close its connection, close() does not wait for the
 * keep-alive timeout, and the client's next request finds the port closed (refused), not
 * a connection torn down under it (reset). The client is undici's Pool, as the gateway's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pool } from 'undici';
import { createMemoryAdapter } from './testing/memory-adapter.ts';
import { JS_REGION, smallRegion } from './testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from './testing/harness.ts';

let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A guard that holds requests carrying `x-hold` until released, and says when one is held. */
function holdingGuard() {
  let release!: () => void;
  let held!: () => void;
  const releasing = new Promise<void>((r) => (release = r));
  const holding = new Promise<void>((r) => (held = r));
  return {
    release,
    holding,
    async guard(req: { headers: Record<string, unknown> }) {
      if (req.headers['x-hold']) {
        held();
        await releasing;
      }
      return { ok: true as const };
    },
  };
}

async function send(p: Pool, headers: Record<string, string> = {}) {
  const response = await p.request({
    method: 'POST',
    path: '/records',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return { status: response.statusCode, connection: response.headers.connection, body: await response.body.json() };
}

describe('subgraph server drain', () => {
  it('answers the request in flight with Connection: close, closes without waiting for keep-alive, then refuses', async () => {
    const hold = holdingGuard();
    const subgraph: TestSubgraph = await startTestSubgraph({
      adapter: createMemoryAdapter(JS_REGION, smallRegion()),
      requestGuard: (req) => hold.guard(req),
    });
    pool = new Pool(subgraph.url, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
    // A first answer leaves the pool's one connection open and idle (keep-alive).
    expect(await send(pool)).toMatchObject({ status: 200, connection: 'keep-alive' });
    // The second request reuses it and is held inside the server when the stop comes.
    const inFlight = send(pool, { 'x-hold': '1' });
    await hold.holding;
    const closing = subgraph.close();
    hold.release();
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: { data: { __typename: 'Query' } } });
    // Resolves once that connection is closed: before the fix it waited out the 65 s keep-alive.
    await closing;
    const after = await send(pool).then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    expect(after).toBe('ECONNREFUSED');
  });

  it('ends the connection of an answer whose keep-alive headers were already sent when the stop came', async () => {
    const hold = holdingGuard();
    const subgraph = await startTestSubgraph({
      adapter: createMemoryAdapter(JS_REGION, smallRegion()),
      // A streamed answer: its headers (keep-alive) go out before the stop, its end after.
      routes: [
        {
          method: 'GET',
          path: '/stream',
          async handle(_req, res) {
            res.write('first ');
            await hold.guard({ headers: { 'x-hold': '1' } });
            res.end('last');
          },
        },
      ],
    });
    const streaming = new Pool(subgraph.url, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
    pool = streaming;
    const answer = streaming.request({ method: 'GET', path: '/stream' });
    await hold.holding;
    const response = await answer;
    expect(response.headers.connection).toBe('keep-alive');
    const closing = subgraph.close();
    hold.release();
    expect(await response.body.text()).toBe('first last');
    // Resolves once the server has ended that socket, not after the 65 s keep-alive.
    await closing;
    await vi.waitFor(() => expect(streaming.stats.connected).toBe(0));
  });

  it('closes the idle keep-alive connections at once', async () => {
    const subgraph = await startTestSubgraph({ adapter: createMemoryAdapter(JS_REGION, smallRegion()) });
    const idle = new Pool(subgraph.url, { connections: 2, pipelining: 1, keepAliveTimeout: 60_000 });
    pool = idle;
    await Promise.all([send(idle), send(idle)]);
    expect(idle.stats.connected).toBe(2);
    await subgraph.close();
    // The client learns of the close when it reads the socket's end. A request written
    // before that meets a closed socket — the race the gateway answers by asking a read
    // again (region-fetch.ts); here the test waits for the pool to see it.
    await vi.waitFor(() => expect(idle.stats.connected).toBe(0));
    await expect(send(idle)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
