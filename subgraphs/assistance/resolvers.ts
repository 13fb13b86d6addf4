/**
 * Resolvers of the assistance requests (協查) in the records part: the write side.
 *
 * The gateway routes each mutation to the receiving region only (input.toRegion, or the
 * region of the request id), and graphql-shield has already checked the scope, that the
 * request is addressed to this region and — for accept / answer / decline / inbox — that
 * the officer serves here. What is left here: checking the input, the purpose naming the
 * case, the request's state, recording the intent in the region's disclosure log (no
 * write without it), and handing the write to the adapter's write side.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { GraphQLError } from 'graphql';
import {
  STEP_ALLOWED_FROM,
  stepAlreadyTaken,
  type AssistanceDesk,
  type AssistanceRequestRecord,
  type AssistanceStatus,
  type AssistanceStep,
} from '../../adapters/adapter.ts';
import { quoteInput } from '../../common/normalise/index.ts';
import { deadlineOf, loadAssistanceSettings, type AssistanceSettings } from '../../schema/assistance.ts';
import type { SubgraphContext as Ctx } from '../context.ts';
import { recordWriteIntent } from '../disclosure/writes.ts';
import { isOverdue } from './counts.ts';
import { badUserInput } from '../errors.ts';
import { localIdIn } from '../ids.ts';
import { callerOf, purposeOf } from '../security/record-facts.ts';
import {
  answerRecordsArg,
  askArg,
  idempotencyKeyArg,
  regionCodeArg,
  requestingCaseArg,
  subjectsArg,
  textArg,
  type RequestInput,
} from './input.ts';

let settings: AssistanceSettings | null = null;
/** Read once: subgraphs/main.ts reads it at start-up, so a bad file stops the process naming the entry. */
export function assistanceSettings(): AssistanceSettings {
  settings ??= loadAssistanceSettings();
  return settings;
}

function deskOf(ctx: Ctx): AssistanceDesk {
  const desk = ctx.adapter.assistance;
  if (!desk) {
    throw new GraphQLError(`region ${ctx.region} takes no assistance requests through Liandong (its adapter has no write side)`, {
      extensions: { code: 'ASSISTANCE_UNSUPPORTED', region: ctx.region },
    });
  }
  return desk;
}

function officerOf(ctx: Ctx): { sub: string; region: string } {
  const caller = callerOf(ctx);
  if (!caller || caller.anonymous)
    throw new GraphQLError('not authorised: needs an authenticated caller', { extensions: { code: 'FORBIDDEN' } });
  return { sub: caller.sub, region: caller.region };
}

/** The request behind a Liandong id addressed to this region, or NOT_FOUND naming it. */
async function requestAt(ctx: Ctx, id: string): Promise<AssistanceRequestRecord> {
  const localId = localIdIn(ctx.region, id);
  const [found] = localId === null ? [null] : await deskOf(ctx).requestsById([localId]);
  if (!found) {
    throw new GraphQLError(`no assistance request ${quoteInput(id)} in region ${ctx.region}`, {
      extensions: { code: 'NOT_FOUND', field: 'id' },
    });
  }
  return found;
}

/** Answering on a case needs the purpose to name that case, as asking did. */
function purposeNamesCase(ctx: Ctx, request: AssistanceRequestRecord): void {
  const named = purposeOf(ctx)?.caseRef ?? null;
  if (named !== request.caseRef) {
    throw new GraphQLError(
      `the purpose must name the request's case: X-Purpose names ${named ? `case ${named}` : 'no case'}, the request is on ${request.caseRef} (send "X-Purpose: assistance-request; case=${request.caseRef}")`,
      { extensions: { code: 'FORBIDDEN', reason: 'purpose-not-request-case' } },
    );
  }
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every answered record must be one this region holds: an answer cannot grant what does not exist. */
async function checkRecordsExist(ctx: Ctx, records: readonly string[]): Promise<void> {
  await Promise.all(
    records.map(async (id, i) => {
      const localId = id.slice(id.indexOf(':') + 1);
      const found = await Promise.all([
        ctx.loaders.personRecordsById.load(localId),
        ctx.loaders.vehicleRecordsById.load(localId),
        ctx.loaders.casesById.load(localId),
      ]);
      if (found.every((r) => r === null)) {
        throw badUserInput(
          `answer.records[${i}]`,
          'unknown-record',
          `answer.records[${i}]: region ${ctx.region} holds no person, vehicle or case record ${quoteInput(id)}`,
        );
      }
    }),
  );
}

async function takeStep(ctx: Ctx, id: string, action: string, make: (by: string, at: string) => AssistanceStep): Promise<unknown> {
  const officer = officerOf(ctx);
  const desk = deskOf(ctx);
  const request = await requestAt(ctx, id);
  purposeNamesCase(ctx, request);
  const step = make(officer.sub, new Date().toISOString());
  if (step.status === 'ANSWERED') await checkRecordsExist(ctx, step.records);
  // A step repeated with the same content is answered unchanged (adapters/adapter.ts holds the rules).
  if (stepAlreadyTaken(request, step)) return present(ctx, request);
  if (!STEP_ALLOWED_FROM[step.status].includes(request.status)) {
    throw new GraphQLError(`assistance request ${id} is ${request.status}; it cannot become ${step.status}`, {
      extensions: { code: 'CONFLICT', status: request.status },
    });
  }
  if (!desk.step) {
    throw new GraphQLError(
      `region ${ctx.region}'s officers act on assistance requests only in its own system (its adapter's write side takes no steps)`,
      { extensions: { code: 'ASSISTANCE_UNSUPPORTED', region: ctx.region, reason: 'steps-in-own-system' } },
    );
  }
  const { by: _by, at: _at, ...detail } = step;
  await recordWriteIntent(ctx, { action, request: `${ctx.region}:${request.id}`, subjects: request.subjects, detail });
  return present(ctx, await desk.step(request.id, step));
}

/** The contract's shape of a stored request. */
export function present(ctx: Ctx, request: AssistanceRequestRecord) {
  return {
    ...request,
    id: `${ctx.region}:${request.id}`,
    region: ctx.region,
    case: request.caseRef,
    channel: deskOf(ctx).channel === 'direct' ? 'DIRECT' : 'DROP_FOLDER',
    overdue: isOverdue(request),
    awaiting: request.awaiting ?? [],
  };
}

/** One request by its Liandong id, for an officer of either side (null: no such request here). */
async function readRequest(ctx: Ctx, id: unknown): Promise<ReturnType<typeof present> | null> {
  const localId = typeof id === 'string' ? localIdIn(ctx.region, id) : null;
  if (localId === null) return null;
  const [found] = await deskOf(ctx).requestsById([localId]);
  if (!found) return null;
  // Both sides see a request: the receiving region's officers and the requesting region's.
  const officer = officerOf(ctx);
  if (officer.region !== ctx.region && officer.region !== found.fromRegion) {
    throw new GraphQLError(`not authorised: assistance request ${String(id)} is between ${found.fromRegion} and ${ctx.region}`, {
      extensions: { code: 'FORBIDDEN', reason: 'not-party-to-request' },
    });
  }
  return present(ctx, found);
}

export const assistanceResolvers: GraphQLResolverMap<Ctx> = {
  // An entity (its key `id`) so the gateway's live events can link to it (LiveEvent.assistanceRequest);
  // a reference is read exactly as `assistanceRequest(id)` is, with the same check.
  AssistanceRequest: {
    __resolveReference: (ref: { id: unknown }, ctx: Ctx) => readRequest(ctx, ref.id),
  },
  Query: {
    assistanceRequest: (_root, args: { id: string }, ctx) => readRequest(ctx, args.id),
    assistanceInbox: async (_root, args: { status?: AssistanceStatus | null }, ctx) =>
      (await deskOf(ctx).inbox(args.status ?? null)).map((request) => present(ctx, request)),
  },
  Mutation: {
    requestAssistance: async (_root, args: { input: RequestInput }, ctx) => {
      const officer = officerOf(ctx);
      const desk = deskOf(ctx);
      const { input } = args;
      const toRegion = regionCodeArg(input.toRegion, 'input.toRegion');
      if (toRegion !== ctx.region) {
        throw badUserInput('input.toRegion', 'not-this-region', `input.toRegion: ${toRegion}, but this is region ${ctx.region}`);
      }
      if (officer.region === ctx.region) {
        throw badUserInput(
          'input.toRegion',
          'own-region',
          `input.toRegion: ${toRegion} is the caller's own region; assistance is asked of another region`,
        );
      }
      const caseRef = requestingCaseArg(input.case, officer.region, purposeOf(ctx)?.caseRef);
      const requestedAt = new Date().toISOString();
      const checked = {
        idempotencyKey: `${officer.sub}/${idempotencyKeyArg(input.idempotencyKey)}`,
        caseRef,
        fromRegion: officer.region,
        requestedBy: officer.sub,
        subjects: subjectsArg(input.subjects),
        ask: askArg(input.ask),
        urgency: input.urgency,
        note: textArg(input.note, 'input.note', false),
        requestedAt,
        deadline: deadlineOf(assistanceSettings(), input.urgency, requestedAt),
      };
      // A retry is recorded as an attempt too; the desk returns the request already made.
      const { idempotencyKey, subjects, ...detail } = checked;
      await recordWriteIntent(ctx, { action: 'requestAssistance', request: null, subjects, detail: { ...detail, idempotencyKey } });
      const { request, created } = await desk.submit(checked);
      if (
        !created &&
        (request.caseRef !== checked.caseRef || !sameList(request.subjects, checked.subjects) || !sameList(request.ask, checked.ask))
      ) {
        throw new GraphQLError(
          `input.idempotencyKey ${quoteInput(input.idempotencyKey)} was already used for request ${ctx.region}:${request.id} with other content; use a new key for a new request`,
          { extensions: { code: 'CONFLICT', field: 'input.idempotencyKey', request: `${ctx.region}:${request.id}` } },
        );
      }
      return present(ctx, request);
    },
    acceptAssistance: (_root, args: { id: string }, ctx) =>
      takeStep(ctx, args.id, 'acceptAssistance', (by, at) => ({ status: 'ACCEPTED', by, at })),
    answerAssistance: (_root, args: { id: string; answer: { note: string; records: string[] } }, ctx) => {
      const note = textArg(args.answer.note, 'answer.note', true) as string;
      const records = answerRecordsArg(args.answer.records, ctx.region);
      return takeStep(ctx, args.id, 'answerAssistance', (by, at) => ({ status: 'ANSWERED', by, at, note, records }));
    },
    declineAssistance: (_root, args: { id: string; reason: string }, ctx) => {
      const reason = textArg(args.reason, 'reason', true) as string;
      return takeStep(ctx, args.id, 'declineAssistance', (by, at) => ({ status: 'DECLINED', by, at, reason }));
    },
  },
};
