/**
 * The auditor queries as a federation subgraph: composes beside the regional contract,
 * answers who accessed a person (any spelling of the number) with paging and filters,
 * and refuses malformed input with BAD_USER_INPUT.
 */
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditServices } from '../../gateway/audit/audit-log.ts';
import { createAuditGraph } from '../../gateway/audit/graph.ts';
import { buildOwnSubgraph, type OwnSubgraphModule } from '../../gateway/own-subgraph/module.ts';
import { openTestAudit, sampleRecord, tempDir } from './fixtures.ts';

const X = '320102198001011238';
const temp = tempDir('audit-graph');
let audit: AuditServices;
let server: ApolloServer;
let ownTypeDefs: import('graphql').DocumentNode;

beforeAll(async () => {
  audit = await openTestAudit(temp.dir);
  const records = [
    sampleRecord(1, 'alice', { persons: [X] }),
    sampleRecord(2, 'bob', { persons: [X], plates: ['蘇A12345'] }),
    sampleRecord(3, 'carol', { cases: ['JS:C-2026-000001'] }),
    { ...sampleRecord(4, 'alice', { persons: [X] }), outcome: 'partial' as const },
  ];
  for (const record of records) await audit.log.append(record);
  const own = buildOwnSubgraph([createAuditGraph(() => ({ index: audit.index!, operations: audit.operations })) as OwnSubgraphModule]);
  ownTypeDefs = own.typeDefs;
  server = new ApolloServer({ schema: own.schema });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await audit?.close();
  temp.remove();
});

async function run(query: string, variables: Record<string, unknown> = {}) {
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as { data?: any; errors?: any[] };
}

describe('auditor queries', () => {
  it('composes with the regional contract', () => {
    const shared = readFileSync('schema/contract/shared.graphql', 'utf8');
    const part = (name: string) => ({
      name,
      url: `http://${name}`,
      typeDefs: parse(`${shared}\n${readFileSync(`schema/contract/${name}.graphql`, 'utf8')}`),
    });
    const result = composeServices([
      part('records'),
      part('index'),
      part('search'),
      { name: 'gateway', url: 'http://gateway', typeDefs: ownTypeDefs },
    ]);
    expect(result.errors ?? []).toEqual([]);
  });

  it('answers who accessed a person, newest first, paged, given a 15-digit number', async () => {
    const query = `query($f: AuditFilter!, $after: String) { auditRecords(filter: $f, first: 2, after: $after) {
      edges { cursor node { auditId officer { sub } persons outcome purpose { code caseRef } variables } } pageInfo { hasNextPage endCursor } } }`;
    const first = await run(query, { f: { personIdNumber: '320102800101123' } });
    expect(first.errors).toBeUndefined();
    expect(first.data.auditRecords.edges.map((e: any) => e.node.auditId)).toEqual(['req-4', 'req-2']);
    expect(first.data.auditRecords.edges[0].node).toMatchObject({ outcome: 'PARTIAL', purpose: { code: 'CASE' }, persons: [X] });
    const second = await run(query, { f: { personIdNumber: X }, after: first.data.auditRecords.pageInfo.endCursor });
    expect(second.data.auditRecords.edges.map((e: any) => e.node.auditId)).toEqual(['req-1']);
    expect(second.data.auditRecords.pageInfo.hasNextPage).toBe(false);
  });

  it('lists the officers who accessed a person, and filters by plate, case, officer and outcome', async () => {
    const accessors = await run(`{ auditAccessors(filter: { personIdNumber: "${X}" }) { officer { sub } accesses } }`);
    expect(accessors.data.auditAccessors).toEqual([
      { officer: { sub: 'alice' }, accesses: 2 },
      { officer: { sub: 'bob' }, accesses: 1 },
    ]);
    const ids = async (filter: string) =>
      (await run(`{ auditRecords(filter: ${filter}) { edges { node { auditId } } } }`)).data.auditRecords.edges.map(
        (e: any) => e.node.auditId,
      );
    expect(await ids('{ plate: "苏a·12345" }')).toEqual(['req-2']);
    expect(await ids('{ caseId: "JS:C-2026-000001" }')).toEqual(['req-3']);
    expect(await ids('{ officer: "alice", outcomes: [ANSWERED] }')).toEqual(['req-1']);
    expect(await ids('{ region: "JS", to: "2000-01-01" }')).toEqual([]);
  });

  it('refuses malformed input with BAD_USER_INPUT naming the problem', async () => {
    const bad = await run('{ auditRecords(filter: { personIdNumber: "320102198001011237" }) { edges { cursor } } }');
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors?.[0].message).toContain('check character');
    const cursor = await run('{ auditRecords(filter: {}, after: "nonsense") { edges { cursor } } }');
    expect(cursor.errors?.[0].message).toContain('not an audit cursor');
    const from = await run('{ auditRecords(filter: { from: "yesterday" }) { edges { cursor } } }');
    expect(from.errors?.[0].message).toContain('filter.from is "yesterday"');
  });
});
