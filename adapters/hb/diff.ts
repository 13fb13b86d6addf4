/**
 * What changed between two indexed exports, as change events: rows whose content hash
 * differs, new rows and vanished rows, per entity; a case also changes when its parties
 * or vehicles do. Runs in SQL across the two index files (ATTACH), so it needs no memory
 * proportional to the export.
 */
import type Database from 'better-sqlite3';
import type { ChangeEvent, EntityType } from '../adapter.ts';

interface Table {
  type: EntityType;
  table: string;
  idNumbers: string | null;
  plates: string | null;
}

const TABLES: Table[] = [
  { type: 'PersonRecord', table: 'person', idNumbers: 'id_number', plates: null },
  { type: 'VehicleRecord', table: 'vehicle', idNumbers: 'owner_id_number', plates: 'plate' },
  { type: 'WantedNotice', table: 'notice', idNumbers: 'id_number', plates: null },
  { type: 'VehicleAlert', table: 'alert', idNumbers: null, plates: 'plate' },
];

interface Changed {
  id: string;
  idNumbers: string | null;
  plates: string | null;
}

function changedRows(db: Database.Database, t: Table): Changed[] {
  const keys = (alias: string) =>
    `${t.idNumbers ? `${alias}.${t.idNumbers}` : 'NULL'} AS idNumbers, ${t.plates ? `${alias}.${t.plates}` : 'NULL'} AS plates`;
  const both = (column: string | null) => (column ? `trim(ifnull(o.${column}, '') || ',' || ifnull(n.${column}, ''), ',')` : 'NULL');
  return db
    .prepare(`
    SELECT n.id AS id, ${both(t.idNumbers)} AS idNumbers, ${both(t.plates)} AS plates
      FROM main.${t.table} n LEFT JOIN prev.${t.table} o ON o.id = n.id
     WHERE o.id IS NULL OR o.row_hash <> n.row_hash
    UNION ALL
    SELECT o.id AS id, ${keys('o')}
      FROM prev.${t.table} o WHERE NOT EXISTS (SELECT 1 FROM main.${t.table} n WHERE n.id = o.id)`)
    .all() as Changed[];
}

const CASE_KEYS = `
      (SELECT group_concat(id_number) FROM (SELECT id_number FROM main.case_party WHERE case_id = t.case_id
                                            UNION SELECT id_number FROM prev.case_party WHERE case_id = t.case_id)) AS idNumbers,
      (SELECT group_concat(plate) FROM (SELECT plate FROM main.case_vehicle WHERE case_id = t.case_id
                                        UNION SELECT plate FROM prev.case_vehicle WHERE case_id = t.case_id)) AS plates`;

/** Cases whose own row or whose parties or vehicles differ, with the keys of both versions. */
function changedCases(db: Database.Database): Changed[] {
  return db
    .prepare(`
    WITH touched AS (
      SELECT id AS case_id FROM (SELECT id, row_hash FROM main.hb_case EXCEPT SELECT id, row_hash FROM prev.hb_case)
      UNION SELECT id FROM (SELECT id FROM prev.hb_case EXCEPT SELECT id FROM main.hb_case)
      UNION SELECT case_id FROM (SELECT case_id, seq, role, id_number, name FROM main.case_party
                           EXCEPT SELECT case_id, seq, role, id_number, name FROM prev.case_party)
      UNION SELECT case_id FROM (SELECT case_id, seq, role, id_number, name FROM prev.case_party
                           EXCEPT SELECT case_id, seq, role, id_number, name FROM main.case_party)
      UNION SELECT case_id FROM (SELECT case_id, plate FROM main.case_vehicle EXCEPT SELECT case_id, plate FROM prev.case_vehicle)
      UNION SELECT case_id FROM (SELECT case_id, plate FROM prev.case_vehicle EXCEPT SELECT case_id, plate FROM main.case_vehicle))
    SELECT t.case_id AS id, ${CASE_KEYS} FROM touched t`)
    .all() as Changed[];
}

const split = (list: string | null) => [...new Set((list ?? '').split(',').filter(Boolean))];

/** Change events for everything that differs between `previousPath` and the index open in `db`. */
export function diffExports(db: Database.Database, previousPath: string, at: string): ChangeEvent[] {
  db.prepare('ATTACH DATABASE ? AS prev').run(previousPath);
  try {
    const events = new Map<string, ChangeEvent>();
    const add = (type: EntityType, row: Changed) => {
      const key = `${type}:${row.id}`;
      const existing = events.get(key);
      const idNumbers = split(row.idNumbers);
      const plates = split(row.plates);
      if (existing) {
        existing.idNumbers = [...new Set([...existing.idNumbers, ...idNumbers])];
        existing.plates = [...new Set([...existing.plates, ...plates])];
      } else {
        events.set(key, { region: 'HB', type, id: row.id, idNumbers, plates, at });
      }
    };
    for (const t of TABLES) for (const row of changedRows(db, t)) add(t.type, row);
    for (const row of changedCases(db)) add('Case', row);
    return [...events.values()];
  } finally {
    db.prepare('DETACH DATABASE prev').run();
  }
}
