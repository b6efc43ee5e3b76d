// `screen batch --engine duckdb`: rows are read and validated exactly as by the JS engine (so a
// bad row gets the same located message), valid rows are loaded chunk by chunk into DuckDB's
// normalised tables, and each trial's SQL query screens the chunk. Output rows are written in input
// order through the same writer and screen-failure summary. The SQL yields outcomes, verdicts, id
// lists and the fields to collect (decodeMissing reads them back), so the output is the same, byte
// for byte, as with --engine js, without running the JS engine on those rows. A list that may lack
// records (`completeness: {complete: false}`) is the layout's list flag FALSE; a patient with a
// list complete only `since` a date is screened by the JS engine (which decides "none" inside that
// period from which rules read the record's date: the layout has no place for the date).
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import { decideVerdict, effectOf, screenOutcomes, type CompiledTrial, type OutcomeSummary } from '../engine/evaluate.js';
import type { Outcome } from '../engine/logic.js';
import { anyListCompleteSince, type PatientRecord } from '../engine/patient-record.js';
import type { ReferenceDates } from '../engine/result.js';
import { DUCKDB } from './dialect.js';
import { openDuckDb } from './duckdb.js';
import { layoutTables, recordRows, type TableRows } from './layout.js';
import { decodeMissing } from './missing.js';
import { compileTrial } from './query.js';

export type ScreenedRecord = { record: PatientRecord; referenceDates: ReferenceDates };

export type DuckDbScreener = {
  /** One summary per trial (in `trials` order) for each record, in order. */
  screen(records: ScreenedRecord[]): Promise<OutcomeSummary[][]>;
  close(): void;
};

/** `rules`: the JS engine's compiled trials (the caller's), for the patients the layout cannot hold. */
export async function duckDbScreener(trials: Trial[], dict: Dictionary, rules: CompiledTrial[]): Promise<DuckDbScreener> {
  const db = await openDuckDb(dict);
  const layout = layoutTables(dict);
  const queries = trials.map((t) => compileTrial(t, dict, DUCKDB).sql);
  return {
    async screen(records) {
      const toJs = records.map((r) => anyListCompleteSince(r.record));
      const inSql = records.filter((_, i) => !toJs[i]);
      const tables: TableRows = new Map();
      inSql.forEach((r, i) => recordRows(dict, layout, r.record, i + 1, r.referenceDates, tables));
      const perTrial: Record<string, unknown>[][] = [];
      if (inSql.length) {
        await db.load(tables);
        for (const sql of queries) perTrial.push(await db.all(sql));
      }
      let n = 0;
      return records.map((r, i) => {
        if (toJs[i]) return rules.map((t) => screenOutcomes(t, r.record, r.referenceDates));
        n += 1;
        return trials.map((t, k) => {
          const row = (perTrial[k] as Record<string, unknown>[])[n - 1] as Record<string, unknown>;
          if (Number(row.row_no) !== n) throw new Error(`DuckDB returned row ${String(row.row_no)} where ${n} was expected`);
          return summaryOf(t, row);
        });
      });
    },
    close: () => db.close(),
  };
}

/** A trial's result for one row of its query: outcomes, verdict (checked), review ids and missing fields. */
export function summaryOf(t: Trial, row: Record<string, unknown>): OutcomeSummary {
  const criteria = t.criteria.map((c) => ({ id: c.id, outcome: row[c.id] as Outcome, effect: effectOf(c.type, row[c.id] as Outcome) }));
  const verdict = decideVerdict(criteria);
  if (verdict !== row.verdict) throw new Error(`DuckDB verdict ${String(row.verdict)} disagrees with its outcomes (${verdict})`);
  return { verdict, criteria, review: row.review ? String(row.review).split(';') : [], missing: decodeMissing(row.missing as string | null) };
}
