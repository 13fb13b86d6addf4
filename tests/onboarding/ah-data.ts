/**
 * The AH test region's small data set, in AH's own export format (JSON lines; field
 * names, codes and dates as the made-up AH system writes them), so the filled-in
 * adapter has real normalising to do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { idNumberCheckChar } from '../../common/normalise/index.ts';

/** A valid 18-digit number for area `area6` (e.g. 340104), birth date `yyyymmdd` and sequence `seq3`. */
export function idNumber(area6: string, yyyymmdd: string, seq3: string): string {
  const first17 = `${area6}${yyyymmdd}${seq3}`;
  return `${first17}${idNumberCheckChar(first17)}`;
}

export interface AhData {
  /** Persons whose number starts with 34 (born in AH). */
  natives: Array<{ id: string; idNumber: string; name: string }>;
  /** The record AH holds of a person the three stand-in regions also hold. */
  shared: { id: string; idNumber: string };
}

const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** Writes `<dataDir>/ah/*.jsonl`; `sharedIdNumber` is a person the other regions hold too. */
/** Writes `<dataDir>/ah/*.jsonl`; `sharedIdNumber` is a person the other regions hold too. */
export function writeAhData(dataDir: string, sharedIdNumber: string): AhData {
  const natives = [
    { id: 'AH-P0001', idNumber: idNumber('340104', '19850312', '011'), name: '方志遠' },
    { id: 'AH-P0002', idNumber: idNumber('340202', '19900701', '022'), name: '方曉梅' },
    { id: 'AH-P0003', idNumber: idNumber('341102', '19781120', '033'), name: '汪建國' },
    { id: 'AH-P0004', idNumber: idNumber('340103', '19720205', '041'), name: '汪麗' },
    { id: 'AH-P0005', idNumber: idNumber('340403', '19810918', '052'), name: '程浩' },
    { id: 'AH-P0006', idNumber: idNumber('341203', '19880430', '064'), name: '程靜' },
  ];
  const shared = { id: 'AH-P0007', idNumber: sharedIdNumber };
  const updated = '2026-11-01T08:00:00Z';
  const persons = [...natives, { ...shared, name: '共同人' }].map((p, i) => ({
    rybh: p.id,
    sfzh: p.idNumber,
    xm: p.name,
    xb: i % 2 ? '2' : '1',
    csrq: p.idNumber.slice(6, 14),
    dz: '安徽省合肥市蜀山區長江西路1號',
    dh: null,
    gxsj: updated,
  }));
  const cases = [
    {
      ajbh: 'AH-C-2026-000001',
      ajlb: '0301',
      ajzt: '20',
      basj: '2026-10-02T09:30:00Z',
      fadd: '合肥市蜀山區',
      dsr: `XYR:${natives[0].idNumber}:${natives[0].name}`,
      clhp: '皖A12345',
      mj: '0100001;0100002;JS-0310552@JS-XZ03',
    },
    {
      ajbh: 'AH-C-2025-000002',
      ajlb: '0201',
      ajzt: '10',
      basj: '2025-03-14T02:00:00Z',
      fadd: '蕪湖市鏡湖區',
      dsr: `SHR:${natives[2].idNumber}:${natives[2].name};XYR:${natives[4].idNumber}:${natives[4].name}`,
      clhp: '',
      mj: 'AH0100003',
    },
    { ajbh: 'AH-C-2024-000003', ajlb: '0999', ajzt: '20', basj: '2024-12-31T23:59:00Z', fadd: '安慶市大觀區', dsr: '', clhp: '' },
  ].map((c) => ({ ...c, gxsj: updated }));
  const vehicles = [
    {
      clbh: 'AH-V0001',
      hphm: '皖A12345',
      clsbdh: 'LSVAH000000000001',
      ppxh: '奇瑞',
      cllx: '艾瑞澤5',
      csys: '白',
      rllx: 'Y',
      syr: natives[0].idNumber,
      ccdjrq: '20200115',
    },
    {
      clbh: 'AH-V0002',
      hphm: '皖B2C345',
      clsbdh: 'LSVAH000000000002',
      ppxh: '江淮',
      cllx: '思皓',
      csys: '黑',
      rllx: 'D',
      syr: natives[3].idNumber,
      ccdjrq: '20220601',
    },
    {
      clbh: 'AH-V0003',
      hphm: '皖H88888',
      clsbdh: 'LSVAH000000000003',
      ppxh: '奇瑞',
      cllx: '瑞虎8',
      csys: '白',
      rllx: 'Y',
      syr: null,
      ccdjrq: '20190320',
    },
  ].map((v) => ({ ...v, gxsj: updated }));
  const dir = join(dataDir, 'ah');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'persons.jsonl'), jsonl(persons));
  writeFileSync(join(dir, 'cases.jsonl'), jsonl(cases));
  writeFileSync(join(dir, 'vehicles.jsonl'), jsonl(vehicles));
  return { natives, shared };
}
