// The output side of the native CSV path (native-batch.ts): each trial's result rows read back from
// DuckDB in a compact form. Per row and trial SQL hands over one number holding the verdict and
// every criterion's outcome (two bits each, packed by the trial's query itself: `pack`), the review
// ids and the missing tokens; a slice's rows come as one text (a string read from DuckDB costs a
// call into its binding, so one call per slice instead of several per row). JS decodes each
// distinct number, review list and missing text once and makes the output columns that depend on
// it alone, so rows with the same outcomes share them (the writers never change them); rows alike
// in all three share one result. The verdict check of summaryOf (duckdb-batch.ts) holds here too: a
// number whose outcomes give another verdict is an error.
import type { Trial } from '../criteria/load-trial.js';
import { outcomeColumns, type PreparedResult } from '../batch/batch-row.js';
import { decideVerdict, effectOf, type OutcomeSummary } from '../engine/evaluate.js';
import { OUTCOMES } from '../engine/logic.js';
import type { Missing, Verdict } from '../engine/result.js';
import { missingText } from '../report/missing-words.js';
import { decodeMissing } from './missing.js';
import { PACKED_VERDICTS, type Pack } from './query.js';
import type { Problem } from '../errors.js';
import { ERRORS, WARNING_SEPARATOR, WARNINGS } from './native-accept.js';

/** Criteria per number: the verdict's two bits and 25 × 2 make 52 bits, exact in a JS number. */
const PER_NUMBER = 25;
/** Distinct outcome sets kept decoded (about 17,000 in 100,000 seeded rows); then the cache starts over. */
const OUTCOME_CACHE = 20_000;
/** Distinct missing texts kept decoded (a text names dates, so there are many); then the cache starts over. */
const MISSING_CACHE = 20_000;
/** Distinct results kept (outcomes, review ids and missing text together); then the cache starts over. */
const RESULT_CACHE = 20_000;
/**
 * Between the fields of a row, and between rows: neither is in any field. A native file has no
 * \x01 (plainText refuses it) and no line break inside a line, so neither a patient id nor a value
 * in a missing token has one; review ids and paths are the criteria's own. A row with another
 * number of fields is refused all the same.
 */
const FIELD = '\x01';
const ROW = '\n';

/**
 * The numbers of a trial's results (query.ts `pack`): verdict + Σ outcome·4^(i+1) for its first
 * 25 criteria, Σ outcome·4^i for each further 25 (`verdict` and `outcomes` give places in
 * PACKED_VERDICTS and OUTCOMES).
 */
export const pack: Pack = (verdict, outcomes) => {
  const out: string[] = [];
  for (let at = 0; at === 0 || at < outcomes.length; at += PER_NUMBER) {
    const terms = at === 0 ? [`${verdict}::BIGINT`] : [];
    outcomes.slice(at, at + PER_NUMBER).forEach((o, i) => terms.push(`${o}::BIGINT * ${4 ** (i + (at === 0 ? 1 : 0))}`));
    out.push(terms.join(' + '));
  }
  return out;
};

type Criterion = OutcomeSummary['criteria'][number];
type Decoded = Pick<PreparedResult, 'verdict' | 'criteria' | 'columns'>;

/** A trial's decoded outcome numbers, review lists and missing texts. */
type TrialDecoder = {
  trial: Trial;
  numbers: number;
  wide: boolean;
  /** Each criterion's entry for each outcome code, made once: decoded arrays share them. */
  entries: Criterion[][];
  byNumber: Map<string, Decoded>;
  reviews: Map<string, string[]>;
  missing: Map<string, { missing: Missing[]; texts: string[] }>;
  /** By outcome numbers, review ids and missing text: rows alike share one result (and its written form, batch-run.ts). */
  results: Map<string, PreparedResult>;
};

const NONE: string[] = [];
const NO_MISSING = { missing: [] as Missing[], texts: NONE };

export type ResultReader = {
  /** The query for rows `from`..`to` of tables res0, res1, … (one per trial): one text, in row order. */
  sql(from: number, to: number): string;
  /**
   * Each row of the text `sql` gives: its number, patient id, warnings (as written) and one result
   * per trial; or, for a row SQL found in error, its problems (as JS's rows in error).
   */
  rows(text: string | null): Generator<{ row: number; patientId: string | null; warnings: string[]; results: PreparedResult[] } | { row: number; ok: false; patientId: string | null; problems: Problem[] }>;
};

/** `wide`: the results carry each criterion's outcome by id, for --wide. */
export function resultReader(trials: Trial[], wide: boolean): ResultReader {
  const decoders: TrialDecoder[] = trials.map((trial) => ({
    trial,
    numbers: Math.max(1, Math.ceil(trial.criteria.length / PER_NUMBER)),
    entries: trial.criteria.map((c) => OUTCOMES.map((outcome) => ({ id: c.id, outcome, effect: effectOf(c.type, outcome) }))),
    wide,
    byNumber: new Map(),
    reviews: new Map(),
    missing: new Map(),
    results: new Map(),
  }));
  // A NULL number stays NULL (concat would make it ''); the id is marked, so that no id and an empty one differ.
  // The row's warnings come from table stage (native-accept.ts), made once per row for every trial.
  const fields = [
    'r0.row_no',
    `(CASE WHEN r0.patient_id IS NULL THEN '' ELSE '=' || r0.patient_id END)`,
    `COALESCE(w.${WARNINGS}, '')`,
    `COALESCE(w.${ERRORS}, '')`,
    ...decoders.flatMap((d, k) => [...Array.from({ length: d.numbers }, (_, j) => `COALESCE(CAST(r${k}.packed${j} AS VARCHAR), 'NULL')`), `COALESCE(r${k}.review, '')`, `COALESCE(r${k}.missing, '')`]),
  ];
  const joins = trials
    .slice(1)
    .map((_, i) => ` LEFT JOIN res${i + 1} AS r${i + 1} USING (row_no)`)
    .join('');
  const warningsJoin = ` LEFT JOIN stage AS w USING (row_no)`;
  const width = fields.length;

  function result(d: TrialDecoder, cells: string[], col: number): PreparedResult {
    const key = d.numbers === 1 ? (cells[col] as string) : cells.slice(col, col + d.numbers).join(',');
    const review = cells[col + d.numbers] as string;
    const missing = cells[col + d.numbers + 1] as string;
    const whole = `${key}${FIELD}${review}${FIELD}${missing}`;
    const known = d.results.get(whole);
    if (known) return known;
    const outcomes = d.byNumber.get(key) ?? decodeNumbers(d, key);
    const m = missing === '' ? NO_MISSING : missingOf(d.missing, missing);
    const made: PreparedResult = { verdict: outcomes.verdict, criteria: outcomes.criteria, columns: outcomes.columns, review: review === '' ? NONE : listOf(d.reviews, review), missing: m.missing, missingTexts: m.texts };
    if (d.results.size >= RESULT_CACHE) d.results.clear();
    d.results.set(own(whole), made);
    return made;
  }

  return {
    sql: (from, to) => `SELECT string_agg(concat_ws(chr(1), ${fields.join(', ')}), chr(10) ORDER BY r0.row_no) FROM res0 AS r0${joins}${warningsJoin} WHERE r0.row_no BETWEEN ${from} AND ${to}`,
    *rows(text) {
      if (!text) return;
      for (const line of text.split(ROW)) {
        const cells = line.split(FIELD);
        if (cells.length !== width) throw new Error(`DuckDB returned a result row of ${cells.length} fields where ${width} were expected`);
        const results: PreparedResult[] = [];
        const id = cells[1] as string;
        const patientId = id === '' ? null : id.slice(1);
        const errors = cells[3] as string;
        if (errors !== '') {
          // "location: message", as formatProblem writes a problem; a location has no ": ".
          const problems = errors.split(WARNING_SEPARATOR).map((e) => ({ location: e.slice(0, e.indexOf(': ')), message: e.slice(e.indexOf(': ') + 2) }));
          yield { row: Number(cells[0]), ok: false, patientId, problems };
          continue;
        }
        let col = 4;
        for (const d of decoders) {
          results.push(result(d, cells, col));
          col += d.numbers + 2;
        }
        const warnings = cells[2] as string;
        yield { row: Number(cells[0]), patientId, warnings: warnings === '' ? NONE : warnings.split(WARNING_SEPARATOR), results };
      }
    },
  };
}

/** A number's (or numbers') verdict and outcomes, checked: the verdict must be the one its outcomes give. */
function decodeNumbers(d: TrialDecoder, key: string): Decoded {
  const numbers = key.split(',').map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new Error(`DuckDB returned no outcomes of trial ${d.trial.meta.id} for a row (${key})`);
  const criteria: Criterion[] = [];
  let said: Verdict | undefined;
  for (const [at, n] of numbers.entries()) {
    // Two 26-bit halves, each exact as a 32-bit integer: two bits per code.
    const halves = [n % 2 ** 26, Math.floor(n / 2 ** 26)];
    const first = at === 0 ? 1 : 0;
    const code = (place: number) => ((halves[place >= 13 ? 1 : 0] as number) >>> (2 * (place % 13))) & 3;
    if (at === 0) said = PACKED_VERDICTS[code(0)];
    for (let i = at * PER_NUMBER; i < Math.min(d.entries.length, (at + 1) * PER_NUMBER); i++) criteria.push((d.entries[i] as Criterion[])[code(i - at * PER_NUMBER + first)] as Criterion);
  }
  const verdict = decideVerdict(criteria);
  if (verdict !== said) throw new Error(`DuckDB verdict ${String(said)} disagrees with its outcomes (${verdict})`);
  const decoded = { verdict, criteria, columns: outcomeColumns(criteria, d.wide) };
  if (d.byNumber.size >= OUTCOME_CACHE) d.byNumber.clear();
  d.byNumber.set(own(key), decoded);
  return decoded;
}

/** A copy of a piece of a slice's text: a cache keeping the piece would keep the whole text. */
const own = (s: string) => Buffer.from(s).toString();

function listOf(cache: Map<string, string[]>, text: string): string[] {
  let list = cache.get(text);
  if (!list) {
    if (cache.size >= MISSING_CACHE) cache.clear();
    const key = own(text);
    cache.set(key, (list = key.split(';')));
  }
  return list;
}

function missingOf(cache: TrialDecoder['missing'], text: string): { missing: Missing[]; texts: string[] } {
  let entry = cache.get(text);
  if (!entry) {
    if (cache.size >= MISSING_CACHE) cache.clear();
    const key = own(text);
    const missing = decodeMissing(key);
    cache.set(key, (entry = { missing, texts: missing.map(missingText) }));
  }
  return entry;
}
