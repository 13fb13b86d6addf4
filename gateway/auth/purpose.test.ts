import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../schema/policy.ts';
import { NOT_ASSIGNED_TO_CASE, caseBoundScopeNote, parsePurpose, resolvePurpose } from './purpose.ts';
import type { Caller } from '../context.ts';

const policy = loadPolicy();
const settings = policy.purposes;
const parse = (header: string | undefined) => parsePurpose(header, settings);

describe('parsePurpose: <code>[; case=REGION:local-id][: free text]', () => {
  it('reads code, case reference and text', () => {
    expect(parse('investigation; case=JS:C-2026-000123')).toEqual({ code: 'investigation', caseRef: 'JS:C-2026-000123', text: '' });
    expect(parse('investigation; case=JS:C-2026-000123: SIM cards of the ring')).toEqual({
      code: 'investigation',
      caseRef: 'JS:C-2026-000123',
      text: 'SIM cards of the ring',
    });
    expect(parse('patrol-check: roadside: G2 km 1043')).toEqual({ code: 'patrol-check', caseRef: null, text: 'roadside: G2 km 1043' });
    expect(parse('  analysis  ')).toEqual({ code: 'analysis', caseRef: null, text: '' });
  });

  it('decodes percent-encoded and raw UTF-8 text', () => {
    expect(parse(`patrol-check: ${encodeURIComponent('路檢')}`)?.text).toBe('路檢');
    expect(parse(`patrol-check: ${Buffer.from('路檢').toString('latin1')}`)?.text).toBe('路檢');
  });

  it('treats an absent or blank header as no purpose', () => {
    expect(parse(undefined)).toBeNull();
    expect(parse('   ')).toBeNull();
  });

  it.each([
    ['curiosity', /unknown purpose code "curiosity"/],
    ['investigation', /needs a case reference/],
    ['investigation; case=C-2026-1', /names the case "C-2026-1"; a case reference is REGION:local-id/],
    ['patrol-check; officer=7', /unknown parameter "officer"/],
    ['patrol-check roadside', /unexpected text "roadside"/],
    [`patrol-check: ${'x'.repeat(600)}`, /at most 512 are accepted/],
  ])('refuses %j', (header, message) => {
    let error: any;
    try {
      parse(header);
    } catch (e) {
      error = e;
    }
    expect(error?.extensions?.code).toBe('PURPOSE_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/X-Purpose .*one of: investigation, assistance-request, patrol-check, analysis, audit/);
  });
});

describe('resolvePurpose', () => {
  const investigator: Caller = {
    sub: 's',
    name: 's',
    region: 'GZ',
    roles: ['investigator'],
    scopes: new Set(['person:read', 'person:contact']),
    anonymous: false,
  };
  const patrol: Caller = { ...investigator, roles: ['patrol-officer'], scopes: new Set(['person:read']) };

  it('looks the case up only for callers holding a case-bound scope', async () => {
    const asked: string[] = [];
    const findCase = async (ref: string) => {
      asked.push(ref);
      return { ref, partyIdNumbers: ['A'], callerAssigned: true };
    };
    const kept = await resolvePurpose({ header: 'investigation; case=JS:C-1', caller: investigator, policy, findCase });
    expect(kept.caller?.scopes.has('person:contact')).toBe(true);
    expect(kept.purpose?.caseParties).toEqual(['A']);
    await resolvePurpose({ header: 'assistance-request; case=JS:C-2', caller: patrol, policy, findCase });
    expect(asked).toEqual(['JS:C-1']);
  });

  it('withholds the case-bound scopes without a case, and refuses a case that does not exist', async () => {
    const none = await resolvePurpose({ header: 'patrol-check', caller: investigator, policy, findCase: async () => null });
    expect([...none.caller!.scopes]).toEqual(['person:read']);
    await expect(
      resolvePurpose({ header: 'investigation; case=JS:C-9', caller: investigator, policy, findCase: async () => null }),
    ).rejects.toMatchObject({ extensions: { code: 'PURPOSE_INVALID' } });
  });

  it("withholds the case-bound scopes from an officer the case's region does not list on the case, and attests no parties", async () => {
    const findCase = async (ref: string) => ({ ref, partyIdNumbers: ['A'], callerAssigned: false });
    const resolved = await resolvePurpose({ header: 'investigation; case=JS:C-1', caller: investigator, policy, findCase });
    expect([...resolved.caller!.scopes]).toEqual(['person:read']);
    expect(resolved.purpose).toMatchObject({ caseRef: 'JS:C-1', callerAssigned: false });
    expect(resolved.purpose?.caseParties).toBeUndefined();
    const note = caseBoundScopeNote(policy, 'person:contact', investigator, resolved.purpose);
    expect(note).toEqual({
      text: 'officer s is not assigned to case JS:C-1 (neither as one of its officers nor of its assisting team), and scope person:contact counts only for officers assigned to the case X-Purpose names',
      reason: NOT_ASSIGNED_TO_CASE,
    });
    expect(NOT_ASSIGNED_TO_CASE).toBe('not-assigned-to-case');
  });
});

describe('parsePurpose refuses control characters in X-Purpose', () => {
  function refusal(header: string) {
    try {
      parse(header);
    } catch (error) {
      return error as { message: string; extensions: Record<string, unknown> };
    }
    throw new Error(`expected ${JSON.stringify(header)} to be refused`);
  }

  it.each([
    ['a raw C0 control in the text', 'patrol-check: road\x01side', 19, 'U+0001'],
    ['a raw newline', 'patrol-check: roadside\nX-Forged: 1', 23, 'U+000A'],
    ['a tab (refused too: one line, spaces only)', 'patrol-check:\troadside', 14, 'U+0009'],
    ['DEL', 'analysis\x7f', 9, 'U+007F'],
    ['a percent-encoded newline, at its %', 'patrol-check: a%0Ab', 16, 'U+000A'],
    ['a percent-encoded C1 control after encoded Chinese', `patrol-check: ${encodeURIComponent('路檢')}%C2%85`, 33, 'U+0085'],
    ['a percent-encoded line separator', 'patrol-check: x%E2%80%A8', 16, 'U+2028'],
    ['a C1 control inside raw UTF-8', `patrol-check: ${Buffer.from('路\u0085', 'utf8').toString('latin1')}`, 18, 'U+0085'],
  ])('%s', (_what, header, position, character) => {
    const error = refusal(header);
    expect(error.extensions).toMatchObject({
      code: 'PURPOSE_INVALID',
      reason: 'control-character',
      header: 'X-Purpose',
      position,
      character,
    });
    expect(error.message).toContain(`X-Purpose holds the control character ${character} at character ${position}`);
  });

  it('still accepts Chinese text sent raw as UTF-8 or percent-encoded, and GBK bytes as sent', () => {
    expect(parse(`patrol-check: ${Buffer.from('路檢 鄂A', 'utf8').toString('latin1')}`)?.text).toBe('路檢 鄂A');
    expect(parse(`patrol-check: ${encodeURIComponent('路檢')} G2`)?.text).toBe('路檢 G2');
    const gbk = '\xc2\xb7\x81\x80';
    expect(parse(`patrol-check: ${gbk}`)?.text).toBe(gbk);
  });
});
