/**
 * Envelopes over real processes: when lookups for persons one region holds meet at the
 * gateway (the region slowed by its proxy, so they surely do), they reach the region in
 * envelopes — seen on the wire — and each still answers and is recorded exactly as if it
 * had gone alone: the same data as asked one at a time, its own gateway audit record, and
 * its own entry in the region's disclosure log under its audit id and officer.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../adapters/load.ts';
import { readJsonLines } from '../support/json-lines.ts';
import { seededSystem, type Officer } from '../support/system.ts';

const seeded = seededSystem();

const PERSON = 'query Person($id: String!) { person(idNumber: $id) { idNumber records { id region name } } }';
const OFFICERS: Officer[] = [
  { roles: ['patrol-officer'], region: 'JS', sub: 'JS-0420017' },
  { roles: ['patrol-officer'], region: 'JS', sub: 'JS-0420018' },
  { roles: ['patrol-officer'], region: 'GZ', sub: 'GZ-0200017' },
];

/** Identity numbers JS holds, read through JS's own adapter. */
async function jsPersons(dataDir: string, count: number): Promise<string[]> {
  const adapter = await loadAdapter('JS', { dataDir, settings: {} });
  const ids: string[] = [];
  try {
    for await (const batch of adapter.heldKeys()) {
      ids.push(...batch.idNumbers);
      if (ids.length >= count) break;
    }
  } finally {
    await adapter.close();
  }
  return ids.slice(0, count);
}

describe('requests to one region that meet travel in envelopes', () => {
  it('answers each as if it went alone, with its own audit record and disclosure entry', async () => {
    const { system, dataDir } = seeded;
    const persons = await jsPersons(dataDir, 24);
    const asking = persons.map((id, i) => ({ id, as: OFFICERS[i % OFFICERS.length] }));
    const proxy = system.regions.JS.proxy;
    proxy.reset();
    proxy.delay(40);
    let together;
    try {
      together = await Promise.all(asking.map(({ id, as }) => system.query(PERSON, { id }, as)));
    } finally {
      proxy.delay(0);
    }
    expect(proxy.envelopes(), 'envelopes seen on the wire to JS').toBeGreaterThan(0);
    expect(proxy.counts()['/index'], 'HTTP requests to JS/index: fewer than the lookups').toBeLessThan(persons.length);

    // The same lookups one at a time (none meets another: each goes alone).
    proxy.reset();
    const alone = [];
    for (const { id, as } of asking) alone.push(await system.query(PERSON, { id }, as));
    expect(proxy.envelopes()).toBe(0);
    for (const [i, answer] of together.entries()) {
      expect(answer.errors, `lookup ${i}`).toBeUndefined();
      expect(answer.data.person.records.some((r: { region: string }) => r.region === 'JS')).toBe(true);
      expect(answer.data).toEqual(alone[i].data);
    }

    const audit = readJsonLines(join(system.configDir, 'audit'), /^audit-\d{6}\.jsonl$/).filter((e) => e.type === 'audit');
    const disclosed = readJsonLines(join(dataDir, 'JS'), /^disclosure.*\.jsonl$/).filter((e) => e.type === 'disclosure');
    for (const [i, answer] of together.entries()) {
      const auditId = answer.extensions!.auditId as string;
      const officer = asking[i].as.sub;
      expect(audit.find((e) => e.auditId === auditId)?.officer?.sub, `gateway audit record of lookup ${i}`).toBe(officer);
      const entries = disclosed.filter((e) => e.auditId === auditId);
      expect(entries.length, `JS disclosure entries of lookup ${i}`).toBeGreaterThan(0);
      for (const entry of entries) expect(entry.officer.sub).toBe(officer);
      expect(entries.flatMap((e) => e.subjects.persons)).toContain(asking[i].id);
    }
  });
});
