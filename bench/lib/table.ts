/** The printed tables: one row per contender or condition, figures rounded for reading (latest.json keeps them whole). */
import type { ContenderSummary } from './rounds.ts';

const fixed = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function printRounds(summary: Record<string, ContenderSummary>, reference: string): void {
  console.table(
    Object.fromEntries(
      Object.entries(summary).map(([name, s]) => [
        name,
        {
          'req/s': fixed(s.rps),
          'p50 ms': s.p50,
          'p99 ms': s.p99,
          'CPU ms/req': fixed(s.cpuPerRequestMs, 2),
          // The processes behind a gateway (regions), when charged: CPU ms per request each.
          ...Object.fromEntries(Object.entries(s.cpuPerRequestMsBy ?? {}).map(([who, ms]) => [`${who} CPU ms`, fixed(ms, 2)])),
          [`vs ${reference}`]: fixed(s.ratioVsReference, 2),
          errors: s.errors,
        },
      ]),
    ),
  );
}

export function printRows(rows: Record<string, Record<string, number | string | null>>): void {
  console.table(
    Object.fromEntries(
      Object.entries(rows).map(([name, row]) => [
        name,
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? (Number.isInteger(v) ? v : fixed(v, 2)) : (v ?? '-')]),
        ),
      ]),
    ),
  );
}
