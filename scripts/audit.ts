/**
 * `npm run audit -- <command>`: the auditor's and operator's tools for the audit log.
 *
 *   verify  [--log PATH] [--key PUB.pem] [witnesses] [--json]
 *   verify  --redis URL --instance ID [--key PUB.pem] [witnesses] [--json]
 *   reindex [--log DIR] [--index PATH]          rebuild the auditors' query index
 *
 * Witnesses: by default every region of the registry (`--regions FILE`, else
 * $LIANDONG_REGIONS, else the gateway config's) is asked for the checkpoints it
 * witnessed (`GET <region>/audit/checkpoints`), or its `DATA/<REGION>/witness.jsonl` is
 * read when it does not answer (`--data DIR`, else $LIANDONG_DATA, else .data).
 * `--witness FILE|URL`… names them instead; `--no-witnesses` checks against the log's
 * own checkpoints only, and says so.
 *
 * --log takes the audit directory (default .data/audit), one of its segment files (the
 * log is read from its first segment, e.g. a region's DATA/JS/disclosure-000001.jsonl,
 * or disclosure.jsonl where it began as a single file), or a single-file log such as
 * DATA/JS/witness.jsonl. Exit codes: 0 intact,
 * 1 damage found (the first broken record or checkpoint is named), 2 usage error,
 * 3 no damage found but no witness could be consulted, or none holds a checkpoint of
 * this instance (a log cut together with its checkpoint file cannot be told from an
 * intact one without them).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { auditLayout, catchUpIndex } from '../gateway/audit/audit-log.ts';
import { loadAuditConfig } from '../gateway/audit/config.ts';
import { parseCheckpoint } from '../common/log/checkpoint.ts';
import { AuditIndex } from '../gateway/audit/index-store.ts';
import { loadPublicKey, publicKeyPath } from '../common/log/keys.ts';
import { checkpointFilePath, listSegments, readSegmentTail, readSideFile, type LogLayout } from '../common/log/log-files.ts';
import { verifyFileLog } from '../gateway/audit/verify-files.ts';
import type { RedisClient } from '../gateway/audit/redis-sink.ts';
import { verifyRedisLog } from '../gateway/audit/verify-redis.ts';
import type { CheckpointSource, VerifyReport } from '../gateway/audit/verify.ts';
import { consultNamedWitness, consultRegionWitnesses, type WitnessConsulted } from '../gateway/audit/witness-sources.ts';
import { loadConfig } from '../gateway/config/load.ts';
import { loadRegions } from '../gateway/registry/registry.ts';

const USAGE = `usage:
  npm run audit -- verify [--log PATH] [--key PUB.pem] [WITNESSES] [--json]
  npm run audit -- verify --redis URL --instance ID [--key PUB.pem] [WITNESSES] [--json]
  npm run audit -- reindex [--log DIR] [--index PATH]
WITNESSES (default: every region of the registry, over HTTP or DATA/<REGION>/witness.jsonl):
  [--regions FILE] [--data DIR] | --witness FILE|URL ... | --no-witnesses`;

class UsageError extends Error {}

const OPTIONS = {
  log: { type: 'string' },
  key: { type: 'string' },
  witness: { type: 'string', multiple: true },
  redis: { type: 'string' },
  instance: { type: 'string' },
  index: { type: 'string' },
  json: { type: 'boolean' },
  regions: { type: 'string' },
  data: { type: 'string' },
  'no-witnesses': { type: 'boolean' },
} as const;

/** Exit code when nothing is wrong as far as could be checked, but no witness was consulted. */
const UNWITNESSED = 3;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command] = positionals;
  if (command === 'verify') return verifyCommand(values);
  if (command === 'reindex') return reindexCommand(values);
  throw new UsageError(command ? `unknown command "${command}"; expected verify or reindex` : 'no command given');
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function verifyCommand(values: Values): Promise<number> {
  if (values['no-witnesses'] && (values.witness?.length || values.regions || values.data)) {
    throw new UsageError('--no-witnesses cannot be combined with --witness, --regions or --data');
  }
  const config = loadAuditConfig();
  if (values.redis && !values.instance) throw new UsageError('--redis needs --instance ID (the gateway instance whose stream to verify)');
  const layout = values.redis ? null : layoutFor(values.log ?? config.dir);
  // Only the gateway's audit log is checkpointed; a region's disclosure or witness log is checked by its chain.
  const checkpointed = !layout || layout.prefix === 'audit';
  const keyPath = values.key ?? publicKeyPath(config.keyDir);
  const publicKey = checkpointed && existsSync(keyPath) ? loadPublicKey(keyPath) : null;
  if (checkpointed && !publicKey) console.error(`warning: no public key at ${keyPath}; checkpoints cannot be checked (pass --key PATH)`);
  const instance = values.instance ?? (layout ? fileLogInstance(layout) : null) ?? config.instance;
  // A log that is not a checkpointed audit log (a region's disclosure or witness log) has no witnesses.
  const consulted = publicKey && !values['no-witnesses'] ? await consultWitnesses(values, instance) : null;
  const witnesses = (consulted ?? []).flatMap((w) => (w.source ? [w.source] : []));
  const fallbackPolicy = { every: config.checkpointEvery, maxBatch: config.maxBatch, seconds: config.checkpointIntervalMs / 1000 };
  const { report, subject } = values.redis
    ? await verifyRedis(values, publicKey, witnesses, fallbackPolicy)
    : {
        report: verifyFileLog({ ...layout!, publicKey, witnesses, instance, fallbackPolicy }),
        subject: `${layout!.dir}/${layout!.prefix}${layout!.rotate ? '-*' : ''}.jsonl`,
      };
  // A witness that answered but holds nothing of this instance (wrong instance, region added later) protects nothing either.
  const held = report.sources.filter((s) => s.role === 'witness').reduce((n, s) => n + s.checkpoints, 0);
  const unwitnessed = consulted !== null && (witnesses.length === 0 || (held === 0 && report.entries > 0));
  const code = !report.ok ? 1 : unwitnessed ? UNWITNESSED : 0;
  const witnessed = consulted?.map(({ name, from, problem }) => ({ name, from, problem })) ?? null;
  console.log(
    values.json
      ? JSON.stringify({ subject, ...report, witnesses: witnessed, unwitnessed }, null, 2)
      : describe(subject, report, consulted, Boolean(values['no-witnesses']) || !publicKey, code),
  );
  return code;
}

async function consultWitnesses(values: Values, instance: string | null): Promise<WitnessConsulted[]> {
  if (values.witness?.length) {
    return Promise.all(
      values.witness.map(async (target) => {
        try {
          return { name: target, from: target, problem: null, source: await consultNamedWitness(target, instance) };
        } catch (error) {
          return { name: target, from: null, problem: (error as Error).message, source: null };
        }
      }),
    );
  }
  let regions: { code: string; url: string }[];
  let regionsFile = '(unknown)';
  try {
    regionsFile = values.regions ? resolve(values.regions) : loadConfig(undefined, process.env).regions;
    regions = loadRegions(regionsFile);
  } catch (error) {
    return [
      {
        name: 'region registry',
        from: null,
        problem: `cannot read the region registry ${regionsFile}: ${(error as Error).message}; pass --regions FILE or --witness FILE|URL`,
        source: null,
      },
    ];
  }
  const dataDir = resolve(values.data ?? process.env.LIANDONG_DATA ?? '.data');
  return consultRegionWitnesses({ regions, dataDir, instance });
}

async function verifyRedis(
  values: Values,
  publicKey: ReturnType<typeof loadPublicKey> | null,
  witnesses: CheckpointSource[],
  fallbackPolicy: { every: number; maxBatch: number; seconds: number },
) {
  const client: RedisClient = createClient({ url: values.redis });
  await client.connect();
  try {
    const report = await verifyRedisLog({ client, instance: values.instance!, publicKey, witnesses, fallbackPolicy });
    return { report, subject: `${values.redis} stream of instance ${values.instance}` };
  } finally {
    await client.quit();
  }
}

/** The instance a file log belongs to: named by its first checkpoint, else by its first entry (null when neither says). */
function fileLogInstance(layout: LogLayout): string | null {
  for (const line of readSideFile(checkpointFilePath(layout)).lines) {
    try {
      return parseCheckpoint(line).instance;
    } catch {
      // a damaged checkpoint line is verify's to report
    }
  }
  for (const segment of listSegments(layout)) {
    const { lastLine } = readSegmentTail(segment.path);
    try {
      const instance = lastLine ? (JSON.parse(lastLine) as { instance?: unknown }).instance : null;
      if (typeof instance === 'string') return instance;
    } catch {
      // reported by verify
    }
  }
  return null;
}

/** A directory is an audit log; a file names its own layout (segment of a rotated log, or a single-file log). */
function layoutFor(path: string): LogLayout {
  if (!existsSync(path)) throw new UsageError(`--log ${path} does not exist; expected an audit directory or a .jsonl log file`);
  if (statSync(path).isDirectory()) return auditLayout({ dir: path });
  const name = basename(path);
  const rotated = /^(.+)-\d{6}\.jsonl$/.exec(name);
  // A rotated log may begin with the single file it was before (a region's disclosure.jsonl).
  if (rotated) return { dir: dirname(path), prefix: rotated[1], rotate: true, legacyFile: true };
  if (name.endsWith('.jsonl')) {
    const prefix = name.slice(0, -'.jsonl'.length);
    const continued = readdirSync(dirname(path)).some((other) => other.startsWith(`${prefix}-`) && /-\d{6}\.jsonl$/.test(other));
    return continued ? { dir: dirname(path), prefix, rotate: true, legacyFile: true } : { dir: dirname(path), prefix, rotate: false };
  }
  throw new UsageError(`--log ${path} is not a .jsonl file or a directory`);
}

function describe(subject: string, r: VerifyReport, consulted: WitnessConsulted[] | null, localOnly: boolean, code: number): string {
  const types =
    Object.entries(r.byType)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ') || 'no entries';
  const verdict = code === 0 ? 'INTACT' : code === 1 ? 'BROKEN' : 'UNWITNESSED';
  const lines = [
    `${verdict}  ${subject}`,
    `  ${r.segments} file(s), ${r.entries} entries (${types}), seq 1–${r.lastSeq}, ${r.checkpoints} signed checkpoint(s)${r.instance ? ` of instance ${r.instance}` : ''}`,
    `  head ${r.head}`,
  ];
  for (const source of r.sources) {
    lines.push(
      `  ${source.role === 'local' ? 'checkpoints' : 'witness'} ${source.location}: ${source.checkpoints} checkpoint(s)${source.highest !== null ? `, up to count ${source.highest}` : ''}`,
    );
  }
  if (consulted?.length === 0) lines.push('  no witnesses: the region registry lists no regions');
  for (const w of consulted ?? []) {
    if (!w.source) lines.push(`  witness ${w.name} NOT CONSULTED: ${w.problem}`);
    else if (w.problem) lines.push(`  witness ${w.name}: did not answer (${w.problem}); read ${w.from} instead`);
  }
  if (localOnly && r.checkpoints > 0)
    lines.push(
      "  witnesses not consulted: checked against the log's own checkpoints only (a log cut together with its checkpoint file is not detectable this way)",
    );
  if (code === UNWITNESSED) {
    const why = (consulted ?? []).some((w) => w.source)
      ? `the witnesses consulted hold no checkpoint of instance ${r.instance}`
      : 'no witness could be consulted';
    lines.push(
      `  ${why}: no damage found against the log's own checkpoints, but a log cut together with its checkpoints cannot be ruled out (pass --witness FILE|URL, or --no-witnesses to accept a local check)`,
    );
  }
  if (r.operationTexts !== null) lines.push(`  ${r.operationTexts} stored operation text(s) checked against their hashes`);
  if (r.unsignedTail) {
    const t = r.unsignedTail;
    lines.push(
      `  unsigned tail: seq ${t.fromSeq}–${t.toSeq} (${t.entries} entr${t.entries === 1 ? 'y' : 'ies'}) after ${t.after ? `the checkpoint of count ${t.after.count} (${t.after.at}${t.after.event ? `, ${t.after.event}` : ''})` : 'no checkpoint'}: chained but not yet signed (normal while the gateway runs or after a crash)`,
    );
  }
  for (const gap of r.gaps)
    lines.push(`  gap recorded: ${gap.reason} at ${gap.location} line ${gap.line}, ${gap.bytes} bytes set aside in ${gap.movedTo}`);
  if (r.damage) {
    const d = r.damage;
    lines.push(`  FIRST DAMAGE: ${d.kind} at ${d.location} line ${d.line}${d.seq !== null ? ` (seq ${d.seq})` : ''}`, `    ${d.detail}`);
  }
  return lines.join('\n');
}

async function reindexCommand(values: Values): Promise<number> {
  const config = loadAuditConfig(process.env, values.log ? { dir: values.log } : {});
  const path = values.index ?? config.indexPath;
  if (!path) throw new UsageError('the index is disabled (AUDIT_INDEX=off); pass --index PATH');
  const index = new AuditIndex(path);
  try {
    index.clear();
    await catchUpIndex(index, config, null);
    console.log(`rebuilt ${path} from ${config.dir}`);
  } finally {
    index.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : `audit: ${error.message}`);
    process.exit(2);
  },
);
