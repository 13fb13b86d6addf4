/** The GZ stand-in's own HTTP contract (legacy envelope, paging, limits, admin), over a real process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGzSample, type GzSampleService } from '../../tests/support/gz-sample.ts';
import { startGzStandin } from './process.ts';
import { MAX_BATCH_KEYS } from './store.ts';

let gz: GzSampleService;
beforeAll(async () => {
  gz = await startGzSample(40);
});
afterAll(async () => {
  await gz?.close();
});

async function call(pathAndQuery: string, body?: unknown) {
  const response = await fetch(
    `${gz.standin.url}${pathAndQuery}`,
    body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
  );
  return { status: response.status, envelope: (await response.json()) as { code: number; msg: string; data: any } };
}

describe('GZ legacy service', () => {
  it('wraps answers in the legacy envelope and pages by page/pageSize with a total', async () => {
    const { envelope } = await call('/api/v1/renkou?page=2&pageSize=15');
    expect(envelope).toMatchObject({ code: 0, msg: 'ok', data: { total: 40, page: 2, pageSize: 15 } });
    expect(envelope.data.rows).toHaveLength(15);
    const last = await call('/api/v1/renkou?page=3&pageSize=15');
    expect(last.envelope.data.rows).toHaveLength(10);
  });

  it('looks persons up only by the number as GZ stores it, by GET or POST', async () => {
    const all = (await call('/api/v1/renkou?pageSize=40')).envelope.data.rows as { sfzh: string }[];
    const fifteen = all.find((row) => row.sfzh.length === 15)!.sfzh;
    const eighteen = `${fifteen.slice(0, 6)}19${fifteen.slice(6)}`; // without its check character: not stored
    expect((await call(`/api/v1/renkou/batch?sfzh=${fifteen},${eighteen}`)).envelope.data.rows).toHaveLength(1);
    expect((await call('/api/v1/renkou/batch', { sfzh: [fifteen] })).envelope.data.rows[0].sfzh).toBe(fifteen);
  });

  it('refuses bad requests with legacy codes and messages that say what was expected', async () => {
    expect((await call('/api/v1/renkou?pageSize=5000')).envelope).toMatchObject({
      code: 4001,
      msg: expect.stringMatching(/pageSize="5000"/),
    });
    expect((await call('/api/v1/renkou/batch', { xm: ['王偉'] })).envelope.msg).toMatch(/cannot be looked up by "xm"/);
    const tooMany = Array.from({ length: MAX_BATCH_KEYS + 1 }, (_, i) => String(i));
    expect((await call('/api/v1/renkou/batch', { rkbh: tooMany })).envelope.code).toBe(4001);
    expect(await call('/api/v1/nothing')).toMatchObject({ status: 404, envelope: { code: 4004 } });
    expect((await call('/admin/update', { bm: 'renkou', jlbh: 'RK00000001', sz: { rkbh: 'x' } })).envelope.msg).toMatch(
      /no editable column "rkbh"/,
    );
    expect((await call('/admin/update', { bm: 'renkou', jlbh: 'missing', sz: { xm: 'x' } })).envelope.code).toBe(4004);
    expect((await call('/admin/latency', { ms: -1 })).envelope.code).toBe(4001);
  });

  it('logs admin edits in the change feed, with the keys before and after', async () => {
    const start = (await call('/api/v1/changes')).envelope.data.zdxh as number;
    await gz.admin('update', { bm: 'cheliang', jlbh: 'CL00000003', sz: { hphm: '貴A77777' } });
    const { rows } = (await call(`/api/v1/changes?since=${start}`)).envelope.data;
    expect(rows).toMatchObject([{ xh: start + 1, bm: 'cheliang', jlbh: 'CL00000003', hphm: '貴A00003,貴A77777' }]);
  });

  it('finishes the answer in flight, then exits 0 on SIGTERM', async () => {
    const other = await startGzStandin({ dataDir: gz.dataDir, latencyMs: 300 });
    const inFlight = fetch(`${other.url}/api/v1/health`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exitCode = await other.stop();
    expect(await inFlight).toMatchObject({ code: 0, data: { zt: 'UP' } });
    expect(exitCode).toBe(0);
  });
});
