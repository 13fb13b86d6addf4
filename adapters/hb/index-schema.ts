/**
 * The HB adapter's own index of one export: a SQLite file in the contract's shape
 * (normalised keys, contract enums, ISO UTC times), with B-tree indexes for every keyed
 * lookup. Built once per export, so memory stays bounded at any export size and a
 * restart reuses it. `row_hash` lets the next export's import find what changed.
 */
export const INDEX_TABLES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE person (
  id TEXT PRIMARY KEY, id_number TEXT NOT NULL, id_number_as_recorded TEXT NOT NULL, name TEXT NOT NULL,
  sex TEXT NOT NULL, sex_code TEXT, birth_date TEXT NOT NULL, address TEXT, phone TEXT, updated_at TEXT NOT NULL,
  row_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE vehicle (
  id TEXT PRIMARY KEY, plate TEXT NOT NULL, plate_as_recorded TEXT NOT NULL, vin TEXT NOT NULL, make TEXT NOT NULL,
  model TEXT NOT NULL, colour TEXT NOT NULL, energy TEXT NOT NULL, owner_id_number TEXT, registered_at TEXT NOT NULL,
  updated_at TEXT NOT NULL, row_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE hb_case (
  id TEXT PRIMARY KEY, case_number TEXT NOT NULL, type TEXT NOT NULL, type_code TEXT NOT NULL, status TEXT NOT NULL,
  status_code TEXT NOT NULL, reported_at TEXT NOT NULL, place TEXT NOT NULL, loss_amount REAL, summary TEXT,
  updated_at TEXT NOT NULL, row_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE case_party (
  case_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, id_number TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE case_officer (
  case_id TEXT NOT NULL, seq INTEGER NOT NULL, officer_id TEXT NOT NULL, duty TEXT NOT NULL, team TEXT,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE case_vehicle (case_id TEXT NOT NULL, plate TEXT NOT NULL, PRIMARY KEY (case_id, plate)) WITHOUT ROWID;
CREATE TABLE notice (
  id TEXT PRIMARY KEY, id_number TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, case_id TEXT,
  issued_at TEXT NOT NULL, updated_at TEXT NOT NULL, row_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE alert (
  id TEXT PRIMARY KEY, plate TEXT NOT NULL, kind TEXT NOT NULL, active INTEGER NOT NULL, case_id TEXT,
  issued_at TEXT NOT NULL, updated_at TEXT NOT NULL, row_hash TEXT NOT NULL
) WITHOUT ROWID;
`;

export const INDEX_INDEXES = `
CREATE INDEX ix_person_id_number ON person (id_number, id);
CREATE INDEX ix_person_name ON person (name);
CREATE INDEX ix_person_birth ON person (birth_date);
CREATE INDEX ix_vehicle_plate ON vehicle (plate, id);
CREATE INDEX ix_vehicle_owner ON vehicle (owner_id_number);
CREATE INDEX ix_case_type ON hb_case (type, id);
CREATE INDEX ix_case_status ON hb_case (status, id);
CREATE INDEX ix_case_reported ON hb_case (reported_at);
CREATE INDEX ix_party_id_number ON case_party (id_number);
CREATE INDEX ix_case_vehicle_plate ON case_vehicle (plate);
CREATE INDEX ix_notice_id_number ON notice (id_number);
CREATE INDEX ix_alert_plate ON alert (plate);
`;
