import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdapterError } from '../adapters/adapter.ts';
import { createMemoryAdapter, type MemoryAdapter } from './testing/memory-adapter.ts';
import { JS_REGION, ZHANG, smallRegion } from './testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from './testing/harness.ts';
import type { Logger } from './logger.ts';

let adapter: MemoryAdapter;
let subgraph: TestSubgraph;
const logged: { level: string; obj: any; msg?: string }[] = [];
const capture = (level: string) => (obj: unknown, msg?: string) => {
  logged.push({ level, obj, msg });
};
const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

beforeAll(async () => {
  adapter = createMemoryAdapter(JS_REGION, smallRegion());
  subgraph = await startTestSubgraph({ adapter, logger });
});
afterAll(() => subgraph.close());
beforeEach(() => {
  logged.length = 0;
  for (const method of ['casesById', 'personRecordsByIdNumber', 'searchCases'] as const) adapter.failWith(method, null);
});

const CASE = `{ case(id: "JS:C-2026-000001") { id } }`;

describe('error mapping', () => {
  it('an unavailable regional system becomes REGION_UNAVAILABLE with the region, without upstream detail', async () => {
    adapter.failWith('casesById', new AdapterError('UNAVAILABLE', 'JS', 'connect ECONNREFUSED 10.1.2.3:5432'));
    const { data, errors } = await subgraph.query('records', CASE);
    expect(data).toEqual({ case: null });
    expect(errors).toEqual([
      {
        message: 'Region JS is unavailable',
        path: ['case'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'REGION_UNAVAILABLE', region: 'JS' },
      },
    ]);
    expect(logged.some((l) => l.level === 'warn' && String(l.obj.err.message).includes('ECONNREFUSED'))).toBe(true);
  });

  it('malformed source data becomes REGION_BAD_DATA', async () => {
    adapter.failWith('searchCases', new AdapterError('BAD_SOURCE_DATA', 'JS', 'row 17: date "2026-13-01"'));
    const { errors } = await subgraph.query('search', `{ searchCases(filter: { type: THEFT }) { totalCount } }`);
    expect(errors?.[0]).toMatchObject({
      message: 'Region JS answered with malformed data',
      extensions: { code: 'REGION_BAD_DATA', region: 'JS' },
    });
  });

  it('an adapter breaking its "one result per key" promise is REGION_BAD_DATA, naming the method', async () => {
    const broken = createMemoryAdapter(JS_REGION, smallRegion());
    broken.casesById = async () => [];
    const other = await startTestSubgraph({ adapter: broken, logger });
    try {
      const { errors } = await other.query('records', CASE);
      expect(errors?.[0].extensions).toEqual({ code: 'REGION_BAD_DATA', region: 'JS' });
      expect(logged.some((l) => String(l.obj.err?.message).includes('casesById returned 0 results for 1 keys'))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('anything unexpected is INTERNAL_SERVER_ERROR with no internal text, and is logged', async () => {
    adapter.failWith('personRecordsByIdNumber', new TypeError('Cannot read properties of undefined (reading "rows") at /srv/js/db.ts'));
    const { data, errors } = await subgraph.query('index', `{ person(idNumber: "${ZHANG}") { idNumber } }`);
    expect(data).toEqual({ person: null });
    expect(errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(errors)).not.toContain('rows');
    expect(logged.find((l) => l.level === 'error')?.obj.err).toBeInstanceOf(TypeError);
  });

  it('a failing region affects only the fields that needed it', async () => {
    adapter.failWith('casesById', new AdapterError('UNAVAILABLE', 'JS', 'timeout'));
    const { data, errors } = await subgraph.query('records', `{ personRecord(id: "JS:P-1") { id } case(id: "JS:C-2026-000001") { id } }`);
    expect(data).toEqual({ personRecord: { id: 'JS:P-1' }, case: null });
    expect(errors).toHaveLength(1);
  });

  it('GraphQL validation errors reach the client unchanged', async () => {
    const { status, errors } = await subgraph.query('records', '{ case(id: "JS:C-1") { nope } }');
    expect(status).toBe(400);
    expect(errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors?.[0].message).toContain('nope');
  });
});
