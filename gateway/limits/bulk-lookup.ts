/**
 * Bulk-lookup detection: one officer viewing more than `threshold` distinct persons
 * within a sliding window is what scraping, or a stolen token, looks like. The
 * responses feed it with the person identity numbers they carry.
 *
 * Alert mode records and raises one alert each time an officer crosses the threshold.
 * Block mode also withholds any response that would take the officer past it; persons
 * already viewed within the window stay viewable, so the officer can finish the work in
 * hand while the alert is looked into.
 */
import { EventEmitter } from 'node:events';
import { Kind, visit, type DocumentNode } from 'graphql';
import { normaliseIdNumber } from '../../adapters/normalise/index.ts';
import { LRUCache } from 'lru-cache';
import type { BulkLookupConfig } from './config.ts';

export interface BulkLookupAlert {
  caller: string;
  distinctPersons: number;
  threshold: number;
  windowSeconds: number;
  blocked: boolean;
  at: string;
}

export type BulkDecision = { allowed: true; distinct: number } | { allowed: false; distinct: number; wouldBe: number; threshold: number; windowSeconds: number };

export class BulkLookupMonitor extends EventEmitter<{ alert: [BulkLookupAlert] }> {
  /** Per officer: identity number → when last viewed (ms), and whether the crossing was alerted. */
  private readonly officers: LRUCache<string, { viewed: Map<string, number>; alerted: boolean }>;

  constructor(private readonly config: BulkLookupConfig, maxCallers = 100_000) {
    super();
    this.officers = new LRUCache({ max: maxCallers });
  }

  /** Records what a response shows `caller`; in block mode refuses (records nothing) past the threshold. */
  record(caller: string, idNumbers: Iterable<string>, now: number = Date.now()): BulkDecision {
    const officer = this.window(caller, now);
    const ids = new Set(idNumbers);
    const wouldBe = officer.viewed.size + [...ids].filter((id) => !officer.viewed.has(id)).length;
    if (wouldBe <= this.config.threshold) {
      officer.alerted = false;
    } else {
      if (!officer.alerted) this.raise(caller, wouldBe, now);
      officer.alerted = true;
      if (this.config.block) return { allowed: false, distinct: officer.viewed.size, wouldBe, threshold: this.config.threshold, windowSeconds: this.config.windowSeconds };
    }
    for (const id of ids) officer.viewed.set(id, now);
    return { allowed: true, distinct: officer.viewed.size };
  }

  /** The officer's state with views older than the window forgotten. */
  private window(caller: string, now: number): { viewed: Map<string, number>; alerted: boolean } {
    let officer = this.officers.get(caller);
    if (!officer) this.officers.set(caller, (officer = { viewed: new Map(), alerted: false }));
    const since = now - this.config.windowSeconds * 1000;
    for (const [id, at] of officer.viewed) if (at < since) officer.viewed.delete(id);
    return officer;
  }

  private raise(caller: string, distinctPersons: number, now: number): void {
    const { threshold, windowSeconds, block } = this.config;
    this.emit('alert', { caller, distinctPersons, threshold, windowSeconds, blocked: block, at: new Date(now).toISOString() });
  }
}

/** Where an operation shows identity numbers: response keys of `idNumber` fields, and `idNumber` arguments. */
export interface IdNumberSelection {
  /** Response keys of selected `idNumber` fields (the name and every alias); empty when none is selected. */
  responseKeys: ReadonlySet<string>;
  /** Literal `idNumber` arguments, and the names of variables passed as one. */
  literals: readonly string[];
  variables: readonly string[];
}

const selections = new WeakMap<DocumentNode, IdNumberSelection>();

/**
 * Read once per parsed document (Apollo Server caches documents, so this is per distinct
 * operation, not per request). An operation selecting no `idNumber` needs no response
 * walk; one that looks a person up by number without selecting it still counts that
 * person, so dropping the field from the query does not hide a lookup from the monitor.
 */
export function idNumberSelection(document: DocumentNode): IdNumberSelection {
  let selection = selections.get(document);
  if (!selection) {
    const responseKeys = new Set<string>();
    const literals: string[] = [];
    const variables: string[] = [];
    visit(document, {
      Field: (f) => { if (f.name.value === 'idNumber') responseKeys.add(f.alias?.value ?? 'idNumber'); },
      Argument: (a) => {
        if (a.name.value !== 'idNumber') return;
        if (a.value.kind === Kind.STRING) literals.push(a.value.value);
        else if (a.value.kind === Kind.VARIABLE) variables.push(a.value.name.value);
      },
    });
    selection = { responseKeys, literals, variables };
    selections.set(document, selection);
  }
  return selection;
}

/** The persons an answered operation showed: identity numbers in the data, and those it looked up. */
export function personsShown(data: unknown, selection: IdNumberSelection, variables: Record<string, unknown> = {}): Set<string> {
  const out = selection.responseKeys.size > 0 ? personIdNumbers(data, selection.responseKeys) : new Set<string>();
  const asked = [...selection.literals, ...selection.variables.map((name) => variables[name])];
  for (const typed of asked) {
    if (typeof typed !== 'string') continue;
    try {
      out.add(normaliseIdNumber(typed));
    } catch {
      // A malformed number was refused with BAD_USER_INPUT and showed nobody.
    }
  }
  return out;
}

/** Every person identity number in a response: strings under `keys`, at any depth. */
export function personIdNumbers(data: unknown, keys: ReadonlySet<string>, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(data)) {
    for (const item of data) personIdNumbers(item, keys, out);
  } else if (data !== null && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (keys.has(key) && typeof value === 'string') out.add(value);
      else personIdNumbers(value, keys, out);
    }
  }
  return out;
}
