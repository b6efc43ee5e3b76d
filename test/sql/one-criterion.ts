// What the one-criterion differential tests share (quantifiers.test.ts, course-pairs.test.ts): a
// trial of a single rule, and patients laid out and loaded into an embedded DuckDB.
import { parseTrial, type Trial } from '../../src/criteria/load-trial.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { openDuckDb } from '../../src/sql/duckdb.js';
import { layoutTables, recordRows, type TableRows } from '../../src/sql/layout.js';
import { criteriaSet } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;

/** A trial whose one criterion, X1, is `rule` (YAML flow text). */
export function oneCriterionTrial(id: string, title: string, rule: string, type: 'inclusion' | 'exclusion' = 'inclusion'): Trial {
  return parseTrial(
    `trial:\n  id: ${id}\n  nct: NCT00000000\n  title: ${title}\n  phase: x\n  sponsor: x\n  source: x\n  criteriaVersion: 2026-12-02.1\n  completeness: complete\ncriteria:\n  - id: X1\n    type: ${type}\n    title: ${title}\n    source: s\n    rule: ${rule}\n`,
    `${title}.yaml`,
    dict,
  );
}

/** The patients in the layout (row numbers from 1), `adjust`ed before loading, in a new embedded DuckDB. */
export async function loadedDuckDb(rows: PatientRecord[], adjust?: (tables: TableRows) => void) {
  const tables: TableRows = new Map();
  const layout = layoutTables(dict);
  rows.forEach((r, i) => recordRows(dict, layout, r, i + 1, r.referenceDates ?? {}, tables));
  adjust?.(tables);
  const db = await openDuckDb(dict);
  await db.load(tables);
  return db;
}
