/** Shared helpers for the audit tests: temp dirs, sample records, a file-backed audit log. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuditConfig, type AuditConfig } from '../../gateway/audit/config.ts';
import { openAuditServices, type AuditDeps, type AuditServices } from '../../gateway/audit/audit-log.ts';
import { buildAuditRecord, type AuditRecordBody } from '../../gateway/audit/record.ts';
import type { RecorderFacts } from '../../gateway/audit/recorder.ts';
import { emptySubjects, type Subjects } from '../../common/audit/subjects.ts';
import { loadPublicKey, publicKeyPath } from '../../common/log/keys.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';
import type { VerifyReport } from '../../gateway/audit/verify.ts';

export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `liandong-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dir: string, overrides: Partial<AuditConfig> = {}): AuditConfig {
  return loadAuditConfig(
    {},
    {
      dir: join(dir, 'audit'),
      keyDir: join(dir, 'keys'),
      indexPath: join(dir, 'audit', 'index.sqlite'),
      instance: 'test-gw',
      checkpointIntervalMs: 0,
      ...overrides,
    },
  );
}

export function openTestAudit(dir: string, overrides: Partial<AuditConfig> = {}, deps: AuditDeps = {}): Promise<AuditServices> {
  return openAuditServices(testConfig(dir, overrides), deps);
}

export function verifyTestLog(dir: string, witnessFiles: string[] = []): VerifyReport {
  const config = testConfig(dir);
  return verifyFileLog({
    dir: config.dir,
    prefix: 'audit',
    rotate: true,
    publicKey: loadPublicKey(publicKeyPath(config.keyDir)),
    witnessFiles,
  });
}

export function sampleRecord(n: number, officer = 'officer-1', subjects: Partial<Subjects> = {}): AuditRecordBody {
  return buildAuditRecord({
    auditId: `req-${n}`,
    instance: 'test-gw',
    startedAt: Date.now() - 2,
    clientAddress: '127.0.0.1',
    userAgent: 'vitest',
    caller: { sub: officer, name: `Officer ${officer}`, region: 'JS', roles: ['investigator'], scopes: new Set(), anonymous: false },
    purpose: { code: 'CASE', text: 'case work', caseRef: 'JS:C-2026-000001' },
    operationName: 'Lookup',
    operationType: 'query',
    operationHash: null,
    variables: { n },
    requested: ['Query.person', 'Person.idNumber'],
    denied: [],
    subjects: { ...emptySubjects(), ...subjects },
    regions: [{ region: 'JS', subgraph: 'index', status: 'hit', latencyMs: 1.5 }],
    errorCodes: [],
    hasData: true,
    httpStatus: 200,
  });
}

/** What the gateway hands the recorder for one operation: the record plus its query text, which goes to the operation-text store. */
export function sampleFacts(n: number, operationText: string): RecorderFacts {
  return {
    auditId: `req-${n}`,
    startedAt: Date.now() - 1,
    clientAddress: '127.0.0.1',
    userAgent: 'vitest',
    caller: { sub: 'officer-1', name: 'Officer officer-1', region: 'JS', roles: ['investigator'], scopes: new Set(), anonymous: false },
    purpose: null,
    operationName: 'Q',
    operationType: 'query',
    variables: { n },
    requested: ['Query.regions', 'Region.code'],
    denied: [],
    subjects: emptySubjects(),
    regions: [],
    errorCodes: [],
    hasData: true,
    httpStatus: 200,
    operationText,
  };
}
