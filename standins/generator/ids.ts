/**
 * Each region's own local-id formats. Liandong ids are `REGION:localId`; the local part
 * is whatever the regional system uses, so the formats differ on purpose.
 */
import type { Region } from './population.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export interface IdFormats {
  person(index: number): string;
  vehicle(index: number): string;
  /** Case ids sort by (year, sequence), and sequence numbers rise with the report time. */
  case(index: number, year: number): string;
  notice(index: number): string;
  alert(index: number): string;
}

export const recordIds: Record<Region, IdFormats> = {
  JS: {
    person: (i) => `P${pad(i + 1, 8)}`,
    vehicle: (i) => `V${pad(i + 1, 8)}`,
    case: (i, year) => `C-${year}-${pad(i + 1, 6)}`,
    notice: (i) => `W${pad(i + 1, 6)}`,
    alert: (i) => `A${pad(i + 1, 6)}`,
  },
  GZ: {
    person: (i) => `RK${pad(i + 1, 9)}`,
    vehicle: (i) => `CL${pad(i + 1, 9)}`,
    case: (i, year) => `AJ${year}${pad(i + 1, 7)}`,
    notice: (i) => `TJ${pad(i + 1, 7)}`,
    alert: (i) => `BK${pad(i + 1, 7)}`,
  },
  HB: {
    person: (i) => `HBR${pad(i + 1, 8)}`,
    vehicle: (i) => `HBV${pad(i + 1, 8)}`,
    case: (i, year) => `HBAJ-${year}-${pad(i + 1, 6)}`,
    notice: (i) => `HBTJ${pad(i + 1, 6)}`,
    alert: (i) => `HBBK${pad(i + 1, 6)}`,
  },
};

export const liandongId = (region: Region, localId: string) => `${region}:${localId}`;
