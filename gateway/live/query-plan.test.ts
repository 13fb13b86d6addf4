import { describe, expect, it } from 'vitest';
import { getOperationAST, parse } from 'graphql';
import type { LiveEvent } from './events.ts';
import { QueryPlan } from './query-plan.ts';

const EVENT: LiveEvent = {
  id: 'ab12.7',
  seq: 7,
  kind: 'WANTED_NOTICE',
  region: 'JS',
  at: '2026-12-06T00:00:00Z',
  change: { region: 'JS', type: 'WantedNotice', id: 'W-1', idNumbers: ['X'], plates: [], at: '2026-12-06T00:00:00Z' },
};

function plan(text: string, variables: Record<string, unknown> = {}): QueryPlan {
  const document = parse(text);
  return new QueryPlan(document, getOperationAST(document)!, variables);
}

describe('QueryPlan', () => {
  it("turns the event's links into root lookups, keeping aliases, fragments and the variables they use", () => {
    const p = plan(
      `subscription S($ids: [String!], $withRecords: Boolean!) {
        w: watch(idNumbers: $ids) { id ...Ev who: person { ...P records @include(if: $withRecords) { name } } }
      }
      fragment Ev on LiveEvent { kind }
      fragment P on Person { idNumber }`,
      { ids: ['X'], withRecords: true },
    );
    const { query, variables } = p.queryFor({ idNumber: 'X', plate: null, caseId: null, assistanceId: null });
    expect(query).toContain('who: person(idNumber: $liveIdNumber)');
    expect(query).toContain('fragment P on Person');
    expect(query).not.toContain('fragment Ev');
    expect(query).toContain('$withRecords: Boolean!');
    expect(query).not.toContain('$ids');
    expect(variables).toEqual({ withRecords: true, liveIdNumber: 'X' });
    expect(() => parse(query)).not.toThrow();
  });

  it('asks for the subject under a hidden alias when only scalars were selected, and drops it from the event', () => {
    const p = plan('subscription { watch(idNumbers: ["X"]) { id kind idNumber } }');
    const { query } = p.queryFor({ idNumber: 'X', plate: null, caseId: null, assistanceId: null });
    expect(query).toContain('liveSubjectPerson: person(idNumber: $liveIdNumber)');
    const result = p.result(
      EVENT,
      { idNumber: 'X', plate: null, caseId: null, assistanceId: null },
      { data: { liveSubjectPerson: { __typename: 'Person' } } },
      { eventId: EVENT.id },
    );
    expect(result.data).toEqual({ watch: { id: 'ab12.7', kind: 'WANTED_NOTICE', idNumber: 'X' } });
  });

  it("puts the query's errors under the subscription field, and answers a status event with __typename alone", () => {
    const p = plan('subscription { alerts { kind person { idNumber records { address } } } }');
    const result = p.result(
      EVENT,
      { idNumber: 'X', plate: null, caseId: null, assistanceId: null },
      {
        data: { person: { idNumber: 'X', records: [{ address: null }] } },
        errors: [{ message: 'denied', path: ['person', 'records', 0, 'address'], extensions: { code: 'FORBIDDEN' } }],
      },
      {},
    );
    expect(result.errors?.map((e) => [e.path, e.extensions.code])).toEqual([[['alerts', 'person', 'records', 0, 'address'], 'FORBIDDEN']]);
    expect(p.queryFor({ idNumber: null, plate: null, caseId: null, assistanceId: null }).query.replace(/\s+/g, ' ')).toBe(
      'query LiveEvent { __typename }',
    );
  });

  it('links the case behind the notice when selected (an ID! variable), and asks nothing for it otherwise', () => {
    const selected = plan('subscription { watch(idNumbers: ["X"]) { c: case { caseNumber } } }');
    const { query, variables } = selected.queryFor({ idNumber: 'X', plate: null, caseId: 'JS:C-1', assistanceId: null });
    expect(query).toContain('$liveCaseId: ID!');
    expect(query).toContain('c: case(id: $liveCaseId) {');
    expect(variables).toMatchObject({ liveIdNumber: 'X', liveCaseId: 'JS:C-1' });
    const result = selected.result(
      EVENT,
      { idNumber: 'X', plate: null, caseId: 'JS:C-1', assistanceId: null },
      { data: { c: { caseNumber: 'N1' } } },
      {},
    );
    expect(result.data).toEqual({ watch: { c: { caseNumber: 'N1' } } });
    const unselected = plan('subscription { watch(idNumbers: ["X"]) { id } }').queryFor({
      idNumber: 'X',
      plate: null,
      caseId: 'JS:C-1',
      assistanceId: null,
    });
    expect(unselected.query).not.toMatch(/case/i);
    expect(unselected.variables).not.toHaveProperty('liveCaseId');
  });

  it("asks for an assistance event's request (hidden when not selected) and shows what happened only when it resolved", () => {
    const change = {
      region: 'GZ',
      type: 'AssistanceRequest' as const,
      id: 'XC1',
      idNumbers: [],
      plates: [],
      at: '2026-12-06T00:00:00Z',
      assistance: { happened: 'ACCEPTED' as const, fromRegion: 'JS', requestedBy: 'JS-1' },
    };
    const event: LiveEvent = { ...EVENT, kind: 'ASSISTANCE_STATUS', region: 'GZ', change };
    const subject = { idNumber: null, plate: null, caseId: null, assistanceId: 'GZ:XC1' };
    const scalars = plan('subscription { assistanceUpdates(ids: ["GZ:XC1"]) { id kind recordId assistanceChange } }');
    const hidden = scalars.queryFor(subject);
    expect(hidden.query).toContain('liveSubjectAssistance: assistanceRequest(id: $liveAssistanceId)');
    expect(hidden.query).not.toMatch(/person|vehicle/);
    expect(hidden.variables).toEqual({ liveAssistanceId: 'GZ:XC1' });
    const seen = scalars.result(event, subject, { data: { liveSubjectAssistance: { __typename: 'AssistanceRequest' } } }, {});
    expect(seen.data).toEqual({
      assistanceUpdates: { id: 'ab12.7', kind: 'ASSISTANCE_STATUS', recordId: 'GZ:XC1', assistanceChange: 'ACCEPTED' },
    });
    // Refused by the request's policy: the event says nothing of what happened, and the hidden alias's error is not shown.
    const refused = scalars.result(
      event,
      subject,
      {
        data: { liveSubjectAssistance: null },
        errors: [{ message: 'no', path: ['liveSubjectAssistance'], extensions: { code: 'FORBIDDEN' } }],
      },
      {},
    );
    expect((refused.data as any).assistanceUpdates.assistanceChange).toBeNull();
    const selected = plan('subscription { assistanceUpdates { r: assistanceRequest { status } } }');
    expect(selected.queryFor(subject).query).toContain('r: assistanceRequest(id: $liveAssistanceId) {');
    const denied = selected.result(
      event,
      subject,
      { data: { r: null }, errors: [{ message: 'no', path: ['r'], extensions: { code: 'FORBIDDEN' } }] },
      {},
    );
    expect(denied.errors?.map((e) => [e.path, e.extensions.code])).toEqual([[['assistanceUpdates', 'r'], 'FORBIDDEN']]);
  });
});
