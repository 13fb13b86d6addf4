/**
 * Writes the HB regional system: a nightly export (export-files.ts) in HB's formats
 * (format.ts, codes.ts). Seeding replaces every earlier export.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseOfficer, CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../../adapters/adapter.ts';
import type { RegionWriter, RegionWriterOptions } from '../region-writer.ts';
import { HB_ALERT_KIND, HB_CASE_STATUS, HB_CASE_TYPE, HB_DUTY, HB_ENERGY, HB_ROLE, HB_SEX, HB_WANTED } from './codes.ts';
import { HbExportFiles } from './export-files.ts';
import { EXPORT_PREFIX, HB_EXPORTS_DIR, SEED_EXPORT_AT, toHbDate, toHbDateTime } from './format.ts';

export function hbExportsDir(dataDir: string): string {
  return join(dataDir, HB_EXPORTS_DIR);
}

export async function createHbWriter(options: RegionWriterOptions): Promise<RegionWriter> {
  const dir = hbExportsDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.startsWith(EXPORT_PREFIX)) await rm(join(dir, name), { force: true });
  }
  await rm(join(options.dataDir, 'hb', 'index'), { recursive: true, force: true });
  const files = new HbExportFiles(dir, SEED_EXPORT_AT);

  return {
    person: (p: PersonRecord) =>
      files.row('persons', [
        p.id,
        p.idNumberAsRecorded,
        p.name,
        HB_SEX[p.sex],
        toHbDate(p.birthDate),
        p.address,
        p.phone,
        toHbDateTime(p.updatedAt),
      ]),
    vehicle: (v: VehicleRecord) =>
      files.row('vehicles', [
        v.id,
        v.plateAsRecorded,
        v.vin,
        v.make,
        v.model,
        v.colour,
        HB_ENERGY[v.energy],
        v.ownerIdNumber,
        toHbDate(v.registeredAt),
        toHbDateTime(v.updatedAt),
      ]),
    async case(c: CaseRecord, officers: readonly CaseOfficer[]) {
      await files.row('cases', [
        c.id,
        c.caseNumber,
        HB_CASE_TYPE[c.type],
        HB_CASE_STATUS[c.status],
        toHbDateTime(c.reportedAt),
        c.place,
        c.lossAmount === null ? null : c.lossAmount.toFixed(2),
        c.summary,
        toHbDateTime(c.updatedAt),
      ]);
      for (const [seq, party] of c.parties.entries()) {
        await files.row('case-parties', [c.id, seq + 1, HB_ROLE[party.role], party.idNumber, party.nameAsRecorded]);
      }
      for (const plate of c.vehiclePlates) await files.row('case-vehicles', [c.id, `${plate.slice(0, 2)}·${plate.slice(2)}`]);
      for (const [seq, o] of officers.entries()) {
        const own = o.officerId.startsWith('HB-');
        await files.row('case-officers', [c.id, seq + 1, own ? o.officerId.slice(3) : o.officerId, HB_DUTY[o.duty], o.team]);
      }
    },
    notice: (n: WantedNotice) =>
      files.row('wanted', [n.id, n.idNumber, HB_WANTED[n.status], n.reason, n.caseId, toHbDateTime(n.issuedAt), toHbDateTime(n.updatedAt)]),
    alert: (a: VehicleAlert) =>
      files.row('alerts', [
        a.id,
        `${a.plate.slice(0, 2)}·${a.plate.slice(2)}`,
        HB_ALERT_KIND[a.kind],
        a.active ? '是' : '否',
        a.caseId,
        toHbDateTime(a.issuedAt),
        toHbDateTime(a.updatedAt),
      ]),
    async close() {
      await files.complete();
    },
  };
}
