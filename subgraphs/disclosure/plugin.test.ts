/**
 * The disclosure plugin when the entry cannot even be built: the region refuses the
 * response (AUDIT_UNAVAILABLE, no data) and logs why, rather than throwing out of
 * willSendResponse (which Apollo Server answers with a bare 500).
 */
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDisclosurePlugin } from './plugin.ts';
import type { DisclosureLog } from './log.ts';

describe('disclosure plugin', () => {
  it('refuses fail-closed and logs the cause when the subjects cannot be extracted', async () => {
    const appended: unknown[] = [];
    const log = {
      append: async (entry: unknown) => {
        appended.push(entry);
      },
    } as unknown as DisclosureLog;
    const logged: Array<{ object: any; message?: string }> = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (object: unknown, message?: string) => logged.push({ object, message }) };
    const listener = await createDisclosurePlugin(log).requestDidStart!({} as never);
    const response = {
      http: { status: undefined as number | undefined, headers: new Map() },
      body: { kind: 'single', singleResult: { data: { case: { id: 'JS:C-1' } } } },
    };
    // Variables that do not fit the operation: an execution would have refused them, so here
    // they stand for any inconsistency that makes the extraction fail.
    await (listener as any).willSendResponse({
      schema: buildSchema('type Query { case(id: ID!): Case } type Case { id: ID! }'),
      document: parse('query($v: Boolean!) { case(id: "JS:C-1") @include(if: $v) { id } }'),
      operationName: null,
      request: { variables: { v: 'yes' } },
      response,
      contextValue: { region: 'JS', part: 'records', requestId: 'sub-1', gatewayRequestId: 'gw-1', logger },
    });
    expect(appended).toEqual([]);
    expect(response.http.status).toBe(503);
    expect(response.body).toEqual({
      kind: 'single',
      singleResult: expect.objectContaining({
        errors: [expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE', auditId: 'gw-1' } })],
      }),
    });
    expect((response.body as any).singleResult.data).toBeUndefined();
    expect(logged).toEqual([
      {
        object: expect.objectContaining({
          alert: 'AUDIT_UNAVAILABLE',
          reason: 'internal-error',
          region: 'JS',
          auditId: 'gw-1',
          err: expect.objectContaining({ name: 'VariablesError' }),
        }),
        message: expect.stringContaining('$v: expected Boolean!, got a string'),
      },
    ]);
    expect(logged[0].message).not.toContain('yes'); // variable values are personal data: never in the operational log
  });
});
