/**
 * The GZ adapter when GZ misbehaves, against the real stand-in process: killed,
 * slow, answering garbage, restarted. Every failure must be a typed AdapterError that
 * arrives within the adapter's timeout — never a crash, a hang or a wrong answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, type RegionAdapter } from '../adapter.ts';
import { startGzStandin } from '../../standins/gz/process.ts';
import { samplePerson } from '../../standins/gz/sample.ts';
import { createAdapter } from './index.ts';
import { startGzSample, type GzSampleService } from '../../tests/support/gz-sample.ts';

const TIMEOUT_MS = 400;
let gz: GzSampleService;
let adapter: RegionAdapter;

beforeAll(async () => {
  gz = await startGzSample(50);
  adapter = await createAdapter({ dataDir: gz.dataDir, settings: { serviceUrl: gz.standin.url, timeoutMs: TIMEOUT_MS } });
});

afterAll(async () => {
  await adapter?.close();
  await gz?.close();
});

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

const lookup = () => adapter.personRecordsById(['RK00000001']);

describe('a slow GZ', () => {
  it('times out as UNAVAILABLE and recovers when GZ is fast again', async () => {
    await gz.admin('latency', { ms: TIMEOUT_MS * 4 });
    try {
      const error = await failure(lookup());
      expect(error.kind).toBe('UNAVAILABLE');
      expect(error.message).toMatch(`timed out after ${TIMEOUT_MS} ms`);
      expect(await adapter.health()).toMatchObject({ ok: false, detail: expect.stringMatching(/timed out/) });
    } finally {
      await gz.admin('latency', { ms: 0 });
    }
    expect(await lookup()).toEqual([samplePerson(1)]);
  });

  it('honours --latency-ms at start-up', async () => {
    const slow = await startGzStandin({ dataDir: gz.dataDir, latencyMs: TIMEOUT_MS * 4 });
    const slowAdapter = await createAdapter({ dataDir: gz.dataDir, settings: { serviceUrl: slow.url, timeoutMs: TIMEOUT_MS } });
    try {
      expect((await failure(slowAdapter.casesById(['C-2026-000001']))).kind).toBe('UNAVAILABLE');
    } finally {
      await slowAdapter.close();
      await slow.stop();
    }
  });
});

describe('malformed answers', () => {
  it.each([
    ['malformed-json', 'BAD_SOURCE_DATA', /expected a JSON envelope/],
    ['bad-envelope', 'BAD_SOURCE_DATA', /expected \{"code"/],
    ['http-500', 'UNAVAILABLE', /HTTP 500/],
  ])('%s → %s', async (mode, kind, message) => {
    await gz.admin('fault', { mode });
    try {
      const error = await failure(lookup());
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(message);
      expect((await failure(adapter.searchPersons({}, { first: 5 }))).kind).toBe(kind);
      expect((await failure(adapter.changes.changesSince(null))).kind).toBe(kind);
    } finally {
      await gz.admin('fault', { mode: 'none' });
    }
    expect(await lookup()).toEqual([samplePerson(1)]);
  });
});

describe('a dead GZ', () => {
  it('is UNAVAILABLE while down and answers again once restarted on its address', async () => {
    expect(await lookup()).toEqual([samplePerson(1)]); // a keep-alive connection is open
    const { port } = gz.standin;
    await gz.standin.kill();
    const error = await failure(lookup());
    expect(error.kind).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/cannot reach/);
    expect(await adapter.health()).toMatchObject({ ok: false });
    expect((await failure(adapter.changes.changesSince('0'))).kind).toBe('UNAVAILABLE');

    gz.standin = await startGzStandin({ dataDir: gz.dataDir, port });
    expect(await lookup()).toEqual([samplePerson(1)]);
    expect(await adapter.health()).toMatchObject({ ok: true });
  });

  it('is UNAVAILABLE when nothing ever listened there', async () => {
    const nowhere = await startGzStandin({ dataDir: gz.dataDir });
    await nowhere.stop();
    const orphan = await createAdapter({ dataDir: gz.dataDir, settings: { serviceUrl: nowhere.url, timeoutMs: TIMEOUT_MS } });
    try {
      expect((await failure(orphan.vehicleRecordsByPlate(['貴A00001']))).kind).toBe('UNAVAILABLE');
    } finally {
      await orphan.close();
    }
  });
});

describe('settings', () => {
  it.each([
    [{}, /serviceUrl is missing/],
    [{ serviceUrl: 'ftp://x' }, /serviceUrl="ftp:\/\/x": expected an http/],
    [{ serviceUrl: 'http://127.0.0.1:1', timeoutMs: 'soon' }, /timeoutMs="soon": expected a whole number/],
  ])('refuses %j', async (settings, message) => {
    await expect(createAdapter({ dataDir: '.', settings })).rejects.toThrow(message);
  });
});
