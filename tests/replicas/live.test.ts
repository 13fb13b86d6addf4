/**
 * Subscriptions across replicas (the compose shape: regions publishing their changes on
 * Redis, two gateways reading them, nginx in front): a change written in JS reaches a
 * subscriber on each replica, and one over each transport subscribed through nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { issueJsNotice, liveGauge, sseSubscribe, waitFor, wsSubscribe } from '../support/live.ts';
import { redisAvailable, redisMissingMessage } from '../support/redis.ts';
import { nginxAvailable, nginxMissingMessage } from './nginx.ts';
import { startTopology, type Topology } from './topology.ts';

const missing = !nginxAvailable() ? nginxMissingMessage : !redisAvailable() ? redisMissingMessage : null;

const WATCH = 'subscription W($ids: [String!]) { watch(idNumbers: $ids) { id kind region recordId person { wanted } } }';

describe.skipIf(missing !== null)('subscriptions over two replicas sharing change events through Redis', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology();
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it('a JS change reaches a graphql-sse subscriber on replica 1, a graphql-ws one on replica 2 and one of each through nginx', async () => {
    const db = new Database(join(topology.dataDir, JS_DB_PATH), { readonly: true });
    const idNumber = normaliseIdNumber((db.prepare('SELECT id_no FROM t_wanted LIMIT 1').get() as { id_no: string }).id_no);
    db.close();
    const options = { as: { roles: ['patrol-officer'], region: 'JS' }, keysDir: topology.idpDir };
    const [one, two] = topology.replicas;
    const subs = [
      await sseSubscribe(one.url, WATCH, { ids: [idNumber] }, options),
      await wsSubscribe(two.url, WATCH, { ids: [idNumber] }, options),
      await sseSubscribe(topology.url, WATCH, { ids: [idNumber] }, options),
      // nginx passes the WebSocket upgrade on (docker/nginx/nginx.conf, `$connection_upgrade`).
      await wsSubscribe(topology.url, WATCH, { ids: [idNumber] }, options),
    ];
    try {
      await waitFor(async () => (await liveGauge(one.url)) + (await liveGauge(two.url)) >= 4, 20_000);
      issueJsNotice(topology.dataDir, 'W-REPLICAS-1', idNumber);
      for (const sub of subs) {
        const event = await sub.next((r) => r.data?.watch?.recordId === 'JS:W-REPLICAS-1', 15_000);
        expect(event.data.watch).toMatchObject({ kind: 'WANTED_NOTICE', region: 'JS', person: { wanted: true } });
        expect(event.extensions?.auditId).toEqual(expect.any(String));
      }
    } finally {
      subs.forEach((s) => s.close());
    }
  });
});
