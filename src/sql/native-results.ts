// The output side of the native CSV path (native-batch.ts): each trial's result rows read back from
// DuckDB in a compact form. Per row and trial SQL hands over one number holding the verdict and
// every criterion's outcome (two bits each), the review ids and the missing tokens; JS decodes each
// distinct number, review list and missing text once, so rows with the same outcomes share one
// decoded result (its arrays are never changed by the writers). The verdict check of summaryOf
// (duckdb-batch.ts) holds here too: a number whose outcomes give another verdict is an error.
import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';
import type { Trial } from '../criteria/load-trial.js';
import { decideVerdict, effectOf, type OutcomeSummary } from '../engine/evaluate.js';
import { OUTCOMES, type Outcome } from '../engine/logic.js';
import type { Missing, Verdict } from '../engine/result.js';
import { decodeMissing } from './missing.js';
import { lit, q } from './kit.js';

const VERDICTS: readonly Verdict[] = ['eligible', 'ineligible', 'undetermined'];
/** Criteria per number: the verdict's two bits and 25 × 2 make 52 bits, exact in a DOUBLE. */
const PER_NUMBER = 25;
/** Distinct missing texts kept decoded (a text names dates, so there are many); then the cache starts over. */
const MISSING_CACHE = 20_000;

/** A CASE giving a value's place in `values` (NULL for anything else, which the decoder refuses). */
const codeOf = (column: string, values: readonly string[]) => `(CASE ${column} ${values.map((v, i) => `WHEN ${lit(v)} THEN ${i}`).join(' ')} END)::BIGINT`;

/** The numbers of trial `t` in table alias `r`: verdict + Σ outcome·4^(i+1) for its first 25 criteria, Σ outcome·4^i for each further 25. */
function numbersSql(t: Trial, r: string): string[] {
  const out: string[] = [];
  for (let at = 0; at === 0 || at < t.criteria.length; at += PER_NUMBER) {
    const terms = at === 0 ? [codeOf(`${r}.verdict`, VERDICTS)] : [];
    t.criteria.slice(at, at + PER_NUMBER).forEach((c, i) => terms.push(`${codeOf(`${r}.${q(c.id)}`, OUTCOMES)} * ${4 ** (i + (at === 0 ? 1 : 0))}`));
    out.push(`CAST(${terms.join(' + ')} AS DOUBLE)`);
  }
  return out;
}

/** A trial's decoded outcome numbers, review lists and missing texts. */
type TrialDecoder = { trial: Trial; numbers: number; byNumber: Map<string | number, Pick<OutcomeSummary, 'verdict' | 'criteria'>>; reviews: Map<string, string[]>; missing: Map<string, Missing[]> };

const NONE: string[] = [];
const NO_MISSING: Missing[] = [];

export type ResultReader = {
  /** The query for rows `from`..`to` of tables res0, res1, … (one per trial), in row order. */
  sql(from: number, to: number): string;
  /** Each row of a result of `sql`: its number, patient id and one summary per trial. */
  rows(result: DuckDBMaterializedResult): Generator<{ row: number; patientId: string | null; results: OutcomeSummary[] }>;
};

export function resultReader(trials: Trial[]): ResultReader {
  const decoders: TrialDecoder[] = trials.map((trial) => ({ trial, numbers: Math.max(1, Math.ceil(trial.criteria.length / PER_NUMBER)), byNumber: new Map(), reviews: new Map(), missing: new Map() }));
  const columns = trials.flatMap((t, k) => [...numbersSql(t, `r${k}`), `r${k}.review`, `r${k}.missing`]);
  const joins = trials.slice(1).map((_, i) => ` LEFT JOIN res${i + 1} AS r${i + 1} USING (row_no)`).join('');

  function summary(d: TrialDecoder, chunk: DuckDBDataChunk, col: number, j: number): OutcomeSummary {
    let key: string | number;
    if (d.numbers === 1) key = chunk.getColumnVector(col).getItem(j) as number;
    else {
      const parts: unknown[] = [];
      for (let n = 0; n < d.numbers; n++) parts.push(chunk.getColumnVector(col + n).getItem(j));
      key = parts.includes(null) ? (null as unknown as string) : parts.join(',');
    }
    if (key === null) throw new Error(`DuckDB returned no outcome of trial ${d.trial.meta.id} for a row`);
    const outcomes = d.byNumber.get(key) ?? decodeNumbers(d, key);
    const review = chunk.getColumnVector(col + d.numbers).getItem(j) as string | null;
    const missing = chunk.getColumnVector(col + d.numbers + 1).getItem(j) as string | null;
    return { verdict: outcomes.verdict, criteria: outcomes.criteria, review: review ? listOf(d.reviews, review) : NONE, missing: missing ? missingOf(d.missing, missing) : NO_MISSING };
  }

  return {
    sql: (from, to) => `SELECT r0.row_no, r0.patient_id, ${columns.join(', ')} FROM res0 AS r0${joins} WHERE r0.row_no BETWEEN ${from} AND ${to} ORDER BY r0.row_no`,
    *rows(result) {
      for (let c = 0; c < result.chunkCount; c++) {
        const chunk = result.getChunk(c);
        const rowNos = chunk.getColumnVector(0);
        const ids = chunk.getColumnVector(1);
        for (let j = 0; j < chunk.rowCount; j++) {
          const results: OutcomeSummary[] = [];
          let col = 2;
          for (const d of decoders) {
            results.push(summary(d, chunk, col, j));
            col += d.numbers + 2;
          }
          yield { row: rowNos.getItem(j) as number, patientId: ids.getItem(j) as string | null, results };
        }
      }
    },
  };
}

/** A number's (or numbers') verdict and outcomes, checked: the verdict must be the one its outcomes give. */
function decodeNumbers(d: TrialDecoder, key: string | number): Pick<OutcomeSummary, 'verdict' | 'criteria'> {
  const numbers = String(key).split(',').map(Number);
  const code = (n: number, place: number) => Math.floor(n / 4 ** place) % 4;
  const criteria = d.trial.criteria.map((c, i) => {
    const at = Math.floor(i / PER_NUMBER);
    const outcome = OUTCOMES[code(numbers[at] as number, (i % PER_NUMBER) + (at === 0 ? 1 : 0))] as Outcome;
    return { id: c.id, outcome, effect: effectOf(c.type, outcome) };
  });
  const said = VERDICTS[code(numbers[0] as number, 0)];
  const verdict = decideVerdict(criteria);
  if (verdict !== said) throw new Error(`DuckDB verdict ${String(said)} disagrees with its outcomes (${verdict})`);
  const decoded = { verdict, criteria };
  d.byNumber.set(key, decoded);
  return decoded;
}

function listOf(cache: Map<string, string[]>, text: string): string[] {
  let list = cache.get(text);
  if (!list) cache.set(text, (list = text.split(';')));
  return list;
}

function missingOf(cache: Map<string, Missing[]>, text: string): Missing[] {
  let list = cache.get(text);
  if (!list) {
    if (cache.size >= MISSING_CACHE) cache.clear();
    cache.set(text, (list = decodeMissing(text)));
  }
  return list;
}
