/**
 * Turns "what happened to this request" into one durable audit record: stores the
 * operation text once under its hash, builds the record and appends it. Used by the
 * Apollo plugin (every GraphQL operation) and by the HTTP layer (refusals that never
 * reach GraphQL: 401, 413, 429…), so both produce records of the same shape.
 */
import type { Chained } from '../../common/log/chain.ts';
import type { ChainedLog } from '../../common/log/log.ts';
import type { OperationStore } from './operations-store.ts';
import { operationHash } from './operation.ts';
import { refusalSummaryRecord, type RefusalSummaryFacts } from './refusal-summary.ts';
import { buildAuditRecord, type AuditEntryBody, type AuditFacts, type AuditRecordBody } from './record.ts';

export interface RecorderFacts extends Omit<AuditFacts, 'instance' | 'operationHash'> {
  /** The operation text as received; stored once per hash in the side store. */
  operationText: string | null;
  /** Its SHA-256 (hex) when already known — Apollo Server's `queryHash` is exactly that. */
  operationTextHash?: string;
}

export class AuditRecorder {
  readonly #log: ChainedLog<AuditEntryBody>;
  readonly #operations: OperationStore;

  constructor(log: ChainedLog<AuditEntryBody>, operations: OperationStore) {
    this.#log = log;
    this.#operations = operations;
  }

  get instance(): string {
    return this.#log.instance;
  }

  /** One entry counting many refused requests from one address (refusal-summary.ts); resolves once durable. */
  async recordRefusals(facts: Omit<RefusalSummaryFacts, 'instance'>): Promise<void> {
    await this.#log.append(refusalSummaryRecord({ ...facts, instance: this.#log.instance }));
  }

  /** Resolves once the record is durable; rejects (AuditUnavailableError) otherwise. */
  async record(facts: RecorderFacts): Promise<Chained<AuditRecordBody>> {
    const { operationText, operationTextHash, ...rest } = facts;
    const hash = operationText ? (operationTextHash ?? operationHash(operationText)) : null;
    const record = buildAuditRecord({ ...rest, instance: this.#log.instance, operationHash: hash });
    // The text first: verify refuses a record whose operation hash has no stored text,
    // so a crash between the two must leave an unused text, never an orphaned hash.
    if (hash && operationText) await this.#operations.remember(hash, operationText);
    return (await this.#log.append(record)) as Chained<AuditRecordBody>;
  }
}
