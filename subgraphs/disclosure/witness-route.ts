/**
 * The receiving side of checkpoint witnessing: `POST /audit/checkpoints` on a regional
 * subgraph. A checkpoint is accepted only with a valid signature by the gateway's audit
 * key (so the route needs no token: the signature is the credential), and only if it
 * does not go back on what this region already witnessed for that gateway instance —
 * a lower count, or another head for the same count, is refused with 409 and an alert,
 * because it means the gateway's log was cut or re-made.
 *
 * `GET /audit/checkpoints?instance=ID` serves what was witnessed (all instances without
 * the parameter), for `npm run audit -- verify`. No token: checkpoints are signed counts
 * and hashes with no personal data, and an auditor must be able to read them without
 * the gateway's internal key — the party being checked.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { checkpointSignatureValid, parseCheckpoint, type SignedCheckpoint } from '../../common/log/checkpoint.ts';
import { loadPublicKey } from '../../common/log/keys.ts';
import type { Logger } from '../../common/log/log.ts';
import { readSideFile } from '../../common/log/log-files.ts';
import { WITNESS_PATH } from '../../common/log/witness.ts';
import { sendError, sendJson } from '../../common/http/respond.ts';
import { readBody } from '../http.ts';
import type { SubgraphRoute } from '../server.ts';
import type { WitnessLog } from './log.ts';

const MAX_BODY_BYTES = 16 * 1024;

export interface WitnessRouteOptions {
  log: WitnessLog;
  /** The witness log's file, read once at start to learn what was already witnessed. */
  logFile: string;
  region: string;
  /** The gateway's audit public key (`.data/keys/audit-ed25519.pub.pem`). */
  gatewayAuditKeyFile: string;
  logger?: Logger;
}

type Verdict = { status: number; code: string; message: string } | { status: 200 | 201; checkpoint: SignedCheckpoint };

export function witnessRoute(options: WitnessRouteOptions): SubgraphRoute {
  const witnessed = lastWitnessed(options.logFile);
  let key: KeyObject | null = null;
  const judge = (body: string): Verdict => {
    key ??= loadPublicKey(options.gatewayAuditKeyFile);
    return judgeCheckpoint(body, key, witnessed);
  };
  return {
    method: 'POST',
    path: WITNESS_PATH,
    async handle(req: IncomingMessage, res) {
      const verdict = judgeSafely(judge, await readBody(req, MAX_BODY_BYTES));
      if (!('checkpoint' in verdict)) {
        if (verdict.status === 409)
          options.logger?.error(
            { alert: 'AUDIT_CHECKPOINT_CONFLICT', region: options.region, detail: verdict.message },
            'ALERT gateway audit checkpoint contradicts one already witnessed',
          );
        sendError(res, verdict.status, verdict.code, verdict.message);
        return;
      }
      if (verdict.status === 201) {
        await options.log.append({
          type: 'witnessed-checkpoint',
          v: 1,
          receivedAt: new Date().toISOString(),
          region: options.region,
          checkpoint: verdict.checkpoint,
        });
        witnessed.set(verdict.checkpoint.instance, verdict.checkpoint);
      }
      sendJson(res, verdict.status, { witnessed: { instance: verdict.checkpoint.instance, count: verdict.checkpoint.count } });
    },
  };
}

function judgeSafely(judge: (body: string) => Verdict, body: string): Verdict {
  try {
    return judge(body);
  } catch (error) {
    return { status: 503, code: 'WITNESS_UNAVAILABLE', message: `cannot check checkpoints: ${(error as Error).message}` };
  }
}

export function judgeCheckpoint(body: string, key: KeyObject, witnessed: ReadonlyMap<string, SignedCheckpoint>): Verdict {
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = parseCheckpoint(body);
  } catch (error) {
    return { status: 400, code: 'BAD_REQUEST', message: `body is not a signed checkpoint: ${(error as Error).message}` };
  }
  if (!checkpointSignatureValid(checkpoint, key)) {
    return {
      status: 403,
      code: 'FORBIDDEN',
      message: `checkpoint ${checkpoint.instance}#${checkpoint.count} is not signed by the gateway's audit key`,
    };
  }
  const previous = witnessed.get(checkpoint.instance);
  if (previous && checkpoint.count < previous.count) {
    return {
      status: 409,
      code: 'CHECKPOINT_CONFLICT',
      message: `instance ${checkpoint.instance} sent count ${checkpoint.count} after ${previous.count} was witnessed: its log went backwards`,
    };
  }
  if (previous && checkpoint.count === previous.count) {
    if (previous.head !== checkpoint.head) {
      return {
        status: 409,
        code: 'CHECKPOINT_CONFLICT',
        message: `instance ${checkpoint.instance} sent another head for count ${checkpoint.count}: its log was re-made`,
      };
    }
    // A stop or restart at an already witnessed head is still kept: "the writer stopped here" is what lets verify refuse entries appended after it.
    return previous.event === checkpoint.event ? { status: 200, checkpoint } : { status: 201, checkpoint };
  }
  return { status: 201, checkpoint };
}

export interface WitnessListOptions {
  logFile: string;
  region: string;
}

/** `GET /audit/checkpoints[?instance=ID]`: every checkpoint witnessed (for that instance), in the order received. */
export function witnessListRoute(options: WitnessListOptions): SubgraphRoute {
  return {
    method: 'GET',
    path: WITNESS_PATH,
    handle(req: IncomingMessage, res) {
      const instance = new URL(req.url ?? '/', 'http://witness.invalid').searchParams.get('instance');
      try {
        sendJson(res, 200, { region: options.region, instance, checkpoints: witnessedCheckpoints(options.logFile, instance) });
      } catch (error) {
        sendError(
          res,
          503,
          'WITNESS_UNAVAILABLE',
          `cannot read witnessed checkpoints from ${options.logFile}: ${(error as Error).message}`,
        );
      }
    },
  };
}

/** The checkpoints in a witness log (entries of type witnessed-checkpoint), optionally of one instance only. */
export function witnessedCheckpoints(logFile: string, instance: string | null): SignedCheckpoint[] {
  const out: SignedCheckpoint[] = [];
  for (const line of readSideFile(logFile).lines) {
    const entry = JSON.parse(line) as { type?: string; checkpoint?: SignedCheckpoint };
    if (entry.type === 'witnessed-checkpoint' && entry.checkpoint && (instance === null || entry.checkpoint.instance === instance))
      out.push(entry.checkpoint);
  }
  return out;
}

function lastWitnessed(logFile: string): Map<string, SignedCheckpoint> {
  const witnessed = new Map<string, SignedCheckpoint>();
  for (const line of readSideFile(logFile).lines) {
    const entry = JSON.parse(line) as { type?: string; checkpoint?: SignedCheckpoint };
    if (entry.type === 'witnessed-checkpoint' && entry.checkpoint) witnessed.set(entry.checkpoint.instance, entry.checkpoint);
  }
  return witnessed;
}
