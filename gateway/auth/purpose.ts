/**
 * Purpose of access: the `X-Purpose` header, what it may say, and what it unlocks.
 *
 * Format (documented in docs/security.md):
 *
 *     X-Purpose: <code>[; case=<REGION:local-id>][: <free text>]
 *
 *     X-Purpose: patrol-check: roadside check, G2 km 1043
 *     X-Purpose: investigation; case=JS:C-2026-000123
 *     X-Purpose: investigation; case=JS:C-2026-000123: tracing the fraud ring's SIM cards
 *
 * `code` is one of the policy file's purpose codes; some codes require `case=`. Free
 * text may be percent-encoded UTF-8 (headers are ASCII on the wire). A purpose is
 * required only for operations that select personal data (see needsPurpose), so
 * `{ regions }` and introspection work without one.
 *
 * Scopes marked `requiresCaseRef` in the policy (contact details) count only when the
 * purpose names a case that exists and the caller is assigned to (need-to-know): without
 * a case reference, or naming a case the case's region does not list them on (as one of
 * its officers or of its assisting team), they are withheld for the request — so those
 * fields come back FORBIDDEN, saying why, while the rest still runs. A named case that
 * does not exist refuses the request outright, because the officer typed something
 * wrong and should be told.
 */
import {
  GraphQLError,
  TypeInfo,
  getNamedType,
  isAbstractType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Policy, PurposeSettings } from '../../schema/policy.ts';
import type { Caller, Purpose } from '../context.ts';
import { quoteInput } from '../../common/normalise/index.ts';
import { OperationMemo } from '../../common/operations/memo.ts';
import { understand } from '../../common/operations/understood.ts';
import { decodePurposeText, rawControlCharacter, type ControlCharacter } from './purpose-text.ts';

export type PurposeErrorCode = 'PURPOSE_REQUIRED' | 'PURPOSE_INVALID' | 'PURPOSE_CASE_UNVERIFIABLE';

export class PurposeError extends GraphQLError {
  constructor(code: PurposeErrorCode, message: string, status = 400, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details, http: { status } } });
    this.name = 'PurposeError';
  }
}

/** A case an X-Purpose header names, as its owning region reports it. */
export interface PurposeCase {
  ref: string;
  /** Normalised identity numbers of the case's parties. */
  partyIdNumbers: string[];
  /** Whether the case's region lists the caller among the case's officers or its assisting team's. */
  callerAssigned: boolean;
}

/**
 * Looks a case up in the region that owns it; null when that region has no such case.
 * The gateway provides it (gateway/auth/case-lookup.ts asks the owning region's records
 * subgraph); tests may pass any function with this contract.
 */
export type CaseFinder = (caseRef: string) => Promise<PurposeCase | null>;

/**
 * A purpose whose case the gateway has looked up. The parties travel to the subgraphs
 * inside the signed internal token, so a region can decide "does the officer's case
 * involve this person?" even when the case belongs to another region.
 */
export interface AttestedPurpose extends Purpose {
  caseParties?: readonly string[];
  /** False when the case's region does not list the caller on the case: case-bound scopes were withheld. */
  callerAssigned?: boolean;
}

/** `extensions.reason` of a field denied because the caller is not assigned to the case their purpose names. */
export const NOT_ASSIGNED_TO_CASE = 'not-assigned-to-case';

export const CASE_REF = /^([A-Z][A-Z0-9]{1,7}):([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

/** Parses the header; null when absent or blank. Throws PURPOSE_INVALID naming the problem. */
export function parsePurpose(header: string | undefined, settings: PurposeSettings): Purpose | null {
  if (header === undefined || header.trim() === '') return null;
  const invalid = (problem: string) => new PurposeError('PURPOSE_INVALID', `${settings.header} ${problem}. ${formatHint(settings)}`);
  if (header.length > settings.maxLength) throw invalid(`is ${header.length} characters long; at most ${settings.maxLength} are accepted`);
  const raw = rawControlCharacter(header);
  if (raw) throw controlCharacter(settings, raw);
  const head = /^\s*([^\s;:]+)\s*/.exec(header)!;
  const code = head[1];
  const definition = settings.codes[code];
  if (!definition) throw invalid(`names the unknown purpose code ${quoteInput(code)}`);
  let rest = header.slice(head[0].length);
  let caseRef: string | null = null;
  for (let param = PARAM.exec(rest); param; param = PARAM.exec(rest)) {
    if (param[1] !== 'case') throw invalid(`has the unknown parameter ${quoteInput(param[1])} (only "case" is defined)`);
    if (!CASE_REF.test(param[2]))
      throw invalid(`names the case ${quoteInput(param[2])}; a case reference is REGION:local-id, e.g. JS:C-2026-000123`);
    caseRef = param[2];
    rest = rest.slice(param[0].length);
  }
  if (rest !== '' && !rest.startsWith(':')) throw invalid(`has unexpected text ${quoteInput(rest)} after the code`);
  if (definition.requiresCaseRef && !caseRef)
    throw invalid(`uses purpose "${code}", which needs a case reference ("${code}; case=JS:C-2026-000123")`);
  const after = rest.slice(1).trimStart();
  // Where the text starts in the header, so a refusal can point into what was sent.
  const decoded = decodePurposeText(after.trimEnd(), header.length - after.length);
  if ('control' in decoded) throw controlCharacter(settings, decoded.control);
  return { code, caseRef, text: decoded.text };
}

/** Control characters are refused, not stored (why: purpose-text.ts); `position` is 1-based in the header. */
function controlCharacter(settings: PurposeSettings, found: ControlCharacter): PurposeError {
  return new PurposeError(
    'PURPOSE_INVALID',
    `${settings.header} holds the control character ${found.codePoint} at character ${found.position}; control characters (tab included, raw or percent-encoded) are refused: state the purpose on one line, with spaces. ${formatHint(settings)}`,
    400,
    { reason: 'control-character', header: settings.header, position: found.position, character: found.codePoint },
  );
}

/** `; key=value`, the value ending at the next `;`, at `: ` (free text follows) or at the end. */
const PARAM = /^;\s*([A-Za-z]+)\s*=\s*([^\s;]+?)\s*(?=;|:\s|:$|$)/;

function formatHint(settings: PurposeSettings): string {
  return `Expected "<code>[; case=REGION:local-id][: free text]" with code one of: ${Object.keys(settings.codes).join(', ')}`;
}

/** The refusal for a personal-data operation sent without a purpose. */
export function purposeRequired(settings: PurposeSettings): PurposeError {
  return new PurposeError(
    'PURPOSE_REQUIRED',
    `this operation reads personal data and needs a ${settings.header} header stating why. ${formatHint(settings)}`,
  );
}

/**
 * Reads the header and settles what the purpose unlocks for this caller: returns the
 * purpose (with the named case's parties when it was looked up) and the caller with
 * case-bound scopes withheld when no case was named.
 */
export async function resolvePurpose(input: {
  header: string | undefined;
  caller: Caller | null;
  policy: Policy;
  findCase: CaseFinder;
}): Promise<{ purpose: AttestedPurpose | null; caller: Caller | null }> {
  const { caller, policy } = input;
  const purpose = parsePurpose(input.header, policy.purposes);
  const guarded = caller ? caseBoundScopes(policy).filter((s) => caller.scopes.has(s)) : [];
  if (!caller || guarded.length === 0) return { purpose, caller };
  if (!purpose?.caseRef) return { purpose, caller: withoutCaseBound(caller, guarded) };
  const found = await lookUp(input.findCase, purpose.caseRef, policy.purposes.header);
  // Need-to-know: naming a real case is not enough, the officer must be working it. The
  // parties are not attested then: nothing downstream may act on a case the caller is not on.
  if (!found.callerAssigned) return { purpose: { ...purpose, callerAssigned: false }, caller: withoutCaseBound(caller, guarded) };
  return { purpose: { ...purpose, caseParties: found.partyIdNumbers, callerAssigned: true }, caller };
}

async function lookUp(findCase: CaseFinder, caseRef: string, header: string): Promise<PurposeCase> {
  let found: PurposeCase | null;
  try {
    found = await findCase(caseRef);
  } catch (error) {
    throw new PurposeError(
      'PURPOSE_CASE_UNVERIFIABLE',
      `cannot check that case ${caseRef} named in ${header} exists: ${(error as Error).message}`,
      503,
    );
  }
  if (!found)
    throw new PurposeError('PURPOSE_INVALID', `${header} names case ${caseRef}, which region ${caseRef.split(':')[0]} does not hold`);
  return found;
}

/** Scopes the policy marks as needing a case reference. */
export function caseBoundScopes(policy: Policy): string[] {
  return Object.entries(policy.scopes)
    .filter(([, s]) => s.requiresCaseRef)
    .map(([name]) => name);
}

/** For authorisation messages: why a case-bound scope the caller's roles grant was not counted. */
export function caseBoundScopeNote(
  policy: Policy,
  scope: string,
  caller?: Caller | null,
  purpose?: AttestedPurpose | null,
): { text: string; reason?: string } | null {
  if (!policy.scopes[scope]?.requiresCaseRef) return null;
  if (purpose?.caseRef && purpose.callerAssigned === false) {
    return {
      text:
        `officer ${caller?.sub ?? '(unknown)'} is not assigned to case ${purpose.caseRef} (neither as one of its officers nor of its assisting team), ` +
        `and scope ${scope} counts only for officers assigned to the case ${policy.purposes.header} names`,
      reason: NOT_ASSIGNED_TO_CASE,
    };
  }
  return {
    text: `scope ${scope} counts only when ${policy.purposes.header} names an existing case you are assigned to ("investigation; case=JS:C-2026-000123")`,
  };
}

/**
 * The caller with case-bound scopes withheld — one object per caller object, so every
 * request with the same (remembered) token shares it, and what is derived from the
 * caller (its authorisation partition) is derived once.
 */
const withheld = new WeakMap<Caller, Caller>();

function withoutCaseBound(caller: Caller, guarded: readonly string[]): Caller {
  let derived = withheld.get(caller);
  if (!derived) withheld.set(caller, (derived = Object.freeze({ ...caller, scopes: without(caller.scopes, guarded) })));
  return derived;
}

function without(scopes: ReadonlySet<string>, removed: readonly string[]): Set<string> {
  const kept = new Set(scopes);
  for (const scope of removed) kept.delete(scope);
  return kept;
}

/** Per (schema, operation node); `dataTypes` come from the one policy file the gateway started with. */
const purposeMemo = new OperationMemo<boolean>();

/** True when the operation selects any field whose type holds personal data (per the policy's dataTypes). */
export function needsPurpose(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  dataTypes: readonly string[],
): boolean {
  return purposeMemo.get(schema, operation, '', () => touchesPersonalData(schema, document, operation, dataTypes));
}

function touchesPersonalData(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  dataTypes: readonly string[],
): boolean {
  const personal = new Set(dataTypes);
  const isPersonal = (type: GraphQLNamedType): boolean =>
    personal.has(type.name) || (isAbstractType(type) && schema.getPossibleTypes(type).some((t) => personal.has(t.name)));
  // The operation and the fragments it reaches (an anonymous operation is the document's only one).
  const { scope } = understand(document, operation.name?.value);
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    scope,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && isPersonal(getNamedType(type))) found = true;
      },
    }),
  );
  return found;
}
