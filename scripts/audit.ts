/**
 * `npm run audit -- <command>`: the auditor's and operator's tools for the audit log.
 *
 *   verify  [--log PATH] [--key PUB.pem] [--witness FILE]… [--json]
 *   verify  --redis URL --instance ID [--key PUB.pem] [--json]
 *   reindex [--log DIR] [--index PATH]          rebuild the auditors' query index
 *
 * --log takes the audit directory (default .data/audit), one of its segment files (the
 * log is read from its first segment, e.g. a region's DATA/JS/disclosure-000001.jsonl,
 * or disclosure.jsonl where it began as a single file), or a single-file log such as
 * DATA/JS/witness.jsonl. Exit codes: 0 intact,
 * 1 damage found (the first broken record or checkpoint is named), 2 usage error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { auditLayout, catchUpIndex } from '../gateway/audit/audit-log.ts';
import { loadAuditConfig } from '../gateway/audit/config.ts';
import { AuditIndex } from '../gateway/audit/index-store.ts';
import { loadPublicKey, publicKeyPath } from '../gateway/audit/keys.ts';
import type { LogLayout } from '../gateway/audit/log-files.ts';
import { verifyFileLog } from '../gateway/audit/verify-files.ts';
import type { RedisClient } from '../gateway/audit/redis-sink.ts';
import { verifyRedisLog } from '../gateway/audit/verify-redis.ts';
import type { VerifyReport } from '../gateway/audit/verify.ts';

const USAGE = `usage:
  npm run audit -- verify [--log PATH] [--key PUB.pem] [--witness FILE]... [--json]
  npm run audit -- verify --redis URL --instance ID [--key PUB.pem] [--json]
  npm run audit -- reindex [--log DIR] [--index PATH]`;

class UsageError extends Error {}

const OPTIONS = {
  log: { type: 'string' }, key: { type: 'string' }, witness: { type: 'string', multiple: true },
  redis: { type: 'string' }, instance: { type: 'string' }, index: { type: 'string' }, json: { type: 'boolean' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command] = positionals;
  if (command === 'verify') return verifyCommand(values);
  if (command === 'reindex') return reindexCommand(values);
  throw new UsageError(command ? `unknown command "${command}"; expected verify or reindex` : 'no command given');
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function verifyCommand(values: Values): Promise<number> {
  const config = loadAuditConfig();
  const keyPath = values.key ?? publicKeyPath(config.keyDir);
  const publicKey = existsSync(keyPath) ? loadPublicKey(keyPath) : null;
  if (!publicKey) console.error(`warning: no public key at ${keyPath}; checkpoints cannot be checked (pass --key PATH)`);
  const { report, subject } = values.redis ? await verifyRedis(values, publicKey) : verifyFiles(values, config.dir, publicKey);
  console.log(values.json ? JSON.stringify({ subject, ...report }, null, 2) : describe(subject, report));
  return report.ok ? 0 : 1;
}

function verifyFiles(values: Values, defaultDir: string, publicKey: ReturnType<typeof loadPublicKey> | null) {
  const layout = layoutFor(values.log ?? defaultDir);
  const report = verifyFileLog({ ...layout, publicKey, witnessFiles: values.witness ?? [] });
  return { report, subject: `${layout.dir}/${layout.prefix}${layout.rotate ? '-*' : ''}.jsonl` };
}

async function verifyRedis(values: Values, publicKey: ReturnType<typeof loadPublicKey> | null) {
  if (!values.instance) throw new UsageError('--redis needs --instance ID (the gateway instance whose stream to verify)');
  const client: RedisClient = createClient({ url: values.redis });
  await client.connect();
  try {
    const report = await verifyRedisLog({ client, instance: values.instance, publicKey });
    return { report, subject: `${values.redis} stream of instance ${values.instance}` };
  } finally {
    await client.quit();
  }
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

function describe(subject: string, r: VerifyReport): string {
  const types = Object.entries(r.byType).map(([type, n]) => `${n} ${type}`).join(', ') || 'no entries';
  const lines = [
    `${r.ok ? 'INTACT' : 'BROKEN'}  ${subject}`,
    `  ${r.segments} file(s), ${r.entries} entries (${types}), seq 1–${r.lastSeq}, ${r.checkpoints} signed checkpoint(s)`,
    `  head ${r.head}`,
  ];
  for (const gap of r.gaps) lines.push(`  gap recorded: ${gap.reason} at ${gap.location} line ${gap.line}, ${gap.bytes} bytes set aside in ${gap.movedTo}`);
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
