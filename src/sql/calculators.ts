// The built-in calculators compiled to SQL, one `toSql` per calculator beside the JS registry's
// names. Where a calculator enumerates completions of unknown inputs, the truth table is worked
// out here at compile time by the calculator's own JS functions, so SQL and JS cannot drift.
import { BOHAN_PETER_ITEMS, CERTAINTIES, classifyBohanPeter, meetsClass, type Certainty } from '../engine/calculators/bohan-peter.js';
import { IMACS_DOI, IMACS_MEASURES, imacsImprovementCalculator, type ImacsRule } from '../engine/calculators/imacs-improvement.js';
import { ROW, quoteIdent as q } from './layout.js';
import { GLUCOCORTICOID_EQUIVALENTS } from '../engine/calculators/prednisone-equivalent.js';
import { col, currentDoseTable, memo, recordPath, refCol, sharedJoin, token, type SqlCtx } from './context.js';
import { MET, MISSING_SEP, NOT_MET, SQL_OPS, UNKNOWN, and, dateText, ifUnknown, lit, missingList, numText, shiftSql, takenOnSql, tri, when } from './kit.js';
import type { ReferenceDateName } from '../rules/types.js';
import { chainsTableSql, drugKeySql } from './chains.js';
import { sharedTable } from './shared-tables.js';

type CalcSql = (ctx: SqlCtx, params: Record<string, unknown>) => string;

/**
 * met / not met when every consistent completion agrees, else unknown; from the JS truth table.
 * The outcome of every state of the columns (each false, true or NULL: a base-3 digit, NULL 2)
 * is worked out here, and the query looks its state up in that list: 5 CASEs a patient instead of
 * testing each of the 2^n completions for consistency, twice (7,000 characters for Bohan and Peter).
 */
function byTruthTable(columns: string[], truth: (xs: boolean[]) => boolean): string {
  const completions = Array.from({ length: 1 << columns.length }, (_, bits) => columns.map((_, i) => (bits & (1 << i)) !== 0));
  const outcomes: number[] = [];
  for (let state = 0; state < 3 ** columns.length; state++) {
    const digit = (i: number) => Math.floor(state / 3 ** i) % 3;
    const agree = completions.filter((xs) => xs.every((x, i) => digit(i) === 2 || x === (digit(i) === 1))).map(truth);
    outcomes.push(agree.includes(true) && agree.includes(false) ? UNKNOWN : agree.includes(true) ? MET : NOT_MET);
  }
  const index = columns.map((c, i) => `(CASE WHEN ${c} IS NULL THEN 2 WHEN ${c} THEN 1 ELSE 0 END) * ${3 ** i}`).join(' + ');
  return `(ARRAY[${outcomes.join(', ')}])[1 + ${index}]`;
}

const bohanPeter: CalcSql = (ctx, params) => {
  const subtypes = (params.subtypes as ('dm' | 'pm')[] | undefined) ?? ['dm', 'pm'];
  const min = (params.minCertainty as Certainty | undefined) ?? 'possible';
  if (!CERTAINTIES.includes(min)) throw new Error(`bohanPeter: minCertainty ${min}`);
  const cols = BOHAN_PETER_ITEMS.map((i) => col(ctx, i.path));
  return byTruthTable(cols, (xs) => meetsClass(classifyBohanPeter({ weakness: !!xs[0], enzymes: !!xs[1], emg: !!xs[2], biopsy: !!xs[3], rash: !!xs[4] }), subtypes, min));
};

const sontheimerCadm: CalcSql = (ctx, params) => {
  const minSkinMonths = typeof params.minSkinMonths === 'number' ? params.minSkinMonths : 6;
  const months = col(ctx, 'diagnosis.sontheimerSkinMonths');
  const biopsy = col(ctx, 'diagnosis.skinBiopsyConfirmed');
  const weakness = col(ctx, 'bohanPeter.weakness');
  return and([tri([months], `${months} >= ${minSkinMonths}`), tri([biopsy], `${biopsy} = TRUE`), tri([weakness], `${weakness} = FALSE`)]);
};

// A measure's state in SQL: its status, unknown (missing at a visit), or, for a changed zero
// baseline read both ways (zeroBaseline: either), "improved or unchanged" / "worsened or unchanged".
const IMPROVED = 0;
const WORSENED = 1;
const UNCHANGED = 2;
const MISSING = 3;
const ZERO_IMPROVED = 4;
const ZERO_WORSENED = 5;

/** Values of one measure that give a state, to run the JS calculator on (lower is better unless MMT). */
function sampleValues(key: string, higherIsBetter: boolean, state: number): [unknown, unknown] {
  const pair = (b: number, f: number): [number, number] => (higherIsBetter ? [b, f] : [-b, -f]);
  const [b, f] = state === IMPROVED ? pair(100, 150) : state === WORSENED ? pair(100, 50) : state === UNCHANGED ? pair(100, 100) : state === ZERO_IMPROVED ? pair(0, 10) : pair(0, -10);
  const wrap = (v: number) => (key === 'mmt8' ? { score: v, max: 150 } : key === 'enzyme' ? { value: v, unit: 'U/L' } : v);
  return state === MISSING ? [undefined, undefined] : [wrap(b), wrap(f)];
}

const imacsImprovement: CalcSql = (ctx, params) => {
  const rule: ImacsRule = { ...IMACS_DOI, ...(params as Partial<ImacsRule>), mmtMayNotWorsen: params.mmtMayNotWorsen !== false };
  const zeroBaseline = (params.zeroBaseline as string | undefined) ?? 'asChange';
  const { exact } = ctx.dialect;
  const fence = ctx.dialect.fence;
  // Each measure's state code (measureChange in imacs-improvement.ts), over its values selected
  // first (u.bK, u.fK, the change u.dK, the gap u.gK), and the key of the states counted over
  // those (k.k): composed as text, each change was copied a dozen times into its state, and each
  // state into the key twice (21,000 characters a table).
  const values = IMACS_MEASURES.map((m, i) => {
    const [b, f] = imacsColumns(ctx, m.key);
    const gaps = [`${b} IS NULL`, `${f} IS NULL`];
    if (m.key === 'mmt8') {
      const [bm, fm] = [col(ctx, 'imacs.baseline.mmt8', 'max'), col(ctx, 'imacs.followUp.mmt8', 'max')];
      gaps.push(`${bm} IS NULL`, `${fm} IS NULL`, `${bm} <> ${fm}`);
    }
    return `, ${b} AS b${i}, ${f} AS f${i}, ${m.higherIsBetter ? `(${f} - ${b})` : `(${b} - ${f})`} AS d${i}, (${gaps.join(' OR ')}) AS g${i}`;
  });
  const states = IMACS_MEASURES.map((_, i) => {
    const [b, f, better] = [`u.b${i}`, `u.f${i}`, `u.d${i}`];
    const scale = `abs(${b})`;
    const worse = exact(`-${better} * 100`);
    const limit = exact(`${rule.worsenPct} * ${scale}`);
    const regular = `CASE WHEN ${better} > 0 AND ${exact(`${better} * 100`)} >= ${exact(`${rule.improvePct} * ${scale}`)} THEN ${IMPROVED} WHEN ${better} < 0 AND ${worse} ${rule.worsenedWhen === '>=' ? '>=' : '>'} ${limit} THEN ${WORSENED} ELSE ${UNCHANGED} END`;
    // A changed zero baseline has no percent change: its status is a reading (zeroBaseline).
    const zero = zeroBaseline === 'unchanged' ? String(UNCHANGED) : zeroBaseline === 'either' ? `CASE WHEN ${better} > 0 THEN ${ZERO_IMPROVED} ELSE ${ZERO_WORSENED} END` : regular;
    return `(CASE WHEN u.g${i} THEN ${MISSING} WHEN ${b} = 0 AND ${f} <> ${b} THEN ${zero} ELSE ${regular} END)`;
  });
  const mmtIndex = IMACS_MEASURES.findIndex((m) => m.key === 'mmt8');
  const codes = zeroBaseline === 'either' ? [IMPROVED, WORSENED, UNCHANGED, MISSING, ZERO_IMPROVED, ZERO_WORSENED] : [IMPROVED, WORSENED, UNCHANGED, MISSING];
  // Computed once per patient in its own table: the states, then the outcome from the table.
  const j = memo(ctx, params, () => {
    const countOf = (code: number) => `(${states.map((_, i) => `(CASE WHEN t.s${i} = ${code} THEN 1 ELSE 0 END)`).join(' + ')})`;
    const key = `(${codes.map((code) => `${countOf(code)} * ${10 ** (code + 1)}`).join(' + ')} + t.s${mmtIndex})`;
    const { met, notMet } = imacsTable(params, codes, mmtIndex);
    const inList = (xs: readonly number[]) => (xs.length ? `k.k IN (${xs.join(', ')})` : 'FALSE');
    const measured = `SELECT p.${q(ROW)}${values.join('')} FROM ${q('patients')} AS p${fence}`;
    const stated = `SELECT u.${q(ROW)}${states.map((x, i) => `, ${x} AS s${i}`).join('')} FROM (${measured}) AS u${fence}`;
    const keyed = `SELECT t.${q(ROW)}, ${key} AS k FROM (${stated}) AS t${fence}`;
    return sharedJoin(ctx, 'im', false, `SELECT k.${q(ROW)}, (CASE WHEN ${inList(met)} THEN ${MET} WHEN ${inList(notMet)} THEN ${NOT_MET} ELSE ${UNKNOWN} END) AS o FROM (${sharedTable(ctx.tables, keyed)}) AS k`);
  });
  return `${j}.o`;
};

/**
 * The outcome depends only on how many measures are in each state and on the MMT's state (the
 * definition counts measures; only the MMT is named): every case, tabulated by running the JS
 * calculator itself on values that give those states. Keys as in the SQL above.
 */
function imacsTable(params: Record<string, unknown>, codes: number[], mmtIndex: number): { readonly met: readonly number[]; readonly notMet: readonly number[] } {
  // Tabulated once per process for each parameter set (a trial has one or two): running the
  // calculator over every case took about a quarter of a second, paid by every query compiled.
  const key = JSON.stringify([params, codes, mmtIndex]);
  let table = imacsTables.get(key);
  if (!table) {
    const { met, notMet } = tabulateImacs(params, codes, mmtIndex);
    imacsTables.set(key, (table = Object.freeze({ met: Object.freeze(met), notMet: Object.freeze(notMet) })));
  }
  return table;
}
const imacsTables = new Map<string, { readonly met: readonly number[]; readonly notMet: readonly number[] }>();

function tabulateImacs(params: Record<string, unknown>, codes: number[], mmtIndex: number): { met: number[]; notMet: number[] } {
  const met: number[] = [];
  const notMet: number[] = [];
  const n = IMACS_MEASURES.length;
  const compositions = (left: number, from: number): number[][] => {
    if (from === codes.length - 1) return [[left]];
    const out: number[][] = [];
    for (let k = 0; k <= left; k++) for (const rest of compositions(left - k, from + 1)) out.push([k, ...rest]);
    return out;
  };
  const prepared = imacsImprovementCalculator.prepare(params);
  for (const counts of compositions(n, 0)) {
    codes.forEach((mmtState, ci) => {
      if ((counts[ci] as number) === 0) return;
      const others = codes.flatMap((code, i) => Array<number>((counts[i] as number) - (i === ci ? 1 : 0)).fill(code));
      const values = new Map<string, unknown>();
      IMACS_MEASURES.forEach((m, i) => {
        const state = i === mmtIndex ? mmtState : (others.shift() as number);
        const [b, f] = sampleValues(m.key, m.higherIsBetter, state);
        values.set(`imacs.baseline.${m.key}`, b);
        values.set(`imacs.followUp.${m.key}`, f);
      });
      const outcome = imacsImprovementCalculator.evaluate({ get: (p) => values.get(p), referenceDate: () => undefined }, prepared).outcome;
      const code = codes.reduce((sum, c, i) => sum + (counts[i] as number) * 10 ** (c + 1), 0) + mmtState;
      if (outcome === 'met') met.push(code);
      else if (outcome === 'not_met') notMet.push(code);
    });
  }
  return { met, notMet };
}

/** Per patient: the prednisone-equivalent dose range of the steroids taken, and what it lacks (made once per params). */
function prednisoneTable(ctx: SqlCtx, params: Record<string, unknown>): string {
  const at = (params.at as ReferenceDateName | undefined) ?? 'screening';
  const { exact } = ctx.dialect;
  const date = refCol(ctx, at);
  return memo(ctx, params, () => {
    const m = 'm';
    const cur = 'c';
    const c = (x: string, field: string) => `${x}.${q(field)}`;
    // Each value is a column of a select below the one that reads it (computed once, as the
    // layers of the query): composed as text, the drug table was copied 12 times into each
    // record's dose, and the dose 4 times into its figures (23,000 characters a table).
    const fence = ctx.dialect.fence;
    // One medication's prednisone-equivalent mg/day (prednisoneEquivalentDose): a drug in the
    // table from its current dose in mg/day, another from the recorded equivalent.
    // The dose history in mg/day converted with the glucocorticoid table (toPrednisoneMg).
    const equivalent = `(CASE ${c(m, 'drug')} ${Object.entries(GLUCOCORTICOID_EQUIVALENTS).map(([drug, mg]) => `WHEN ${lit(drug)} THEN CAST(${mg} AS ${ctx.dialect.types.double})`).join(' ')} END)`;
    const taken = takenOnSql(m, date);
    const records = `SELECT ${c(m, ROW)}, ${c(m, 'idx')}, ${c(m, 'class')}, ${c(m, 'drug')}, ${drugKeySql(m)} AS k, ${dateText(date)} AS ref_date, ${c(m, 'start')}, ${c(m, 'prednisoneEquivalentMgPerDay')} AS summary, ${c(cur, 'dose')} AS cdose, ${c(cur, 'unit')} AS cunit, ${equivalent} AS eq, ${taken} AS taken FROM ${q('medications')} AS ${m} JOIN ${q('patients')} AS p ON p.${q(ROW)} = ${m}.${q(ROW)} LEFT JOIN (${sharedTable(ctx.tables, currentDoseTable('medications', date))}) AS ${cur} ON ${cur}.${q(ROW)} = ${m}.${q(ROW)} AND ${cur}.${q('idx')} = ${m}.${q('idx')}${fence}`;
    // A rule may read deflazacort at its own ratio (params.deflazacortRatio, toPrednisoneMg).
    const ratio = params.deflazacortRatio as number | undefined;
    const deflazacort = ratio === undefined ? '' : `WHEN a.cunit = 'mg/day' AND ${c('a', 'drug')} = 'deflazacort' THEN ${exact(`a.cdose / ${ratio}`)} `;
    const fromDoses = `(CASE ${deflazacort}WHEN a.cunit = 'mg/day' AND a.eq IS NOT NULL THEN ${exact('a.cdose * 5 / a.eq')} END)`;
    const converted = `SELECT a.*, ${fromDoses} AS fd, (${c('a', 'class')} = 'corticosteroid' AND a.taken <> ${NOT_MET}) AS steroid FROM (${sharedTable(ctx.tables, records)}) AS a${fence}`;
    // A drug in the table (eq known) is converted from its dose history only, its hand-typed
    // equivalent ignored (prednisoneEquivalentDose); only a steroid outside the table uses the
    // recorded equivalent.
    const dose = `(CASE WHEN b.eq IS NOT NULL THEN b.fd ELSE b.summary END)`;
    const dosed = `SELECT b.*, ${dose} AS dose FROM (${converted}) AS b${fence}`;
    // Records of one drug maybe taken on the date (n > 1): the same course entered twice or doses
    // taken together; the drug counts from the smallest dose (gmin, on its first record; 0 when none
    // is certainly taken) to their sum, and each record's total for that day is asked for.
    const w = `PARTITION BY g.${q(ROW)}, g.k`;
    const grouped = `SELECT g.*, SUM(CASE WHEN g.steroid THEN 1 ELSE 0 END) OVER (${w}) AS n, (CASE WHEN MAX(CASE WHEN g.steroid AND g.taken = ${MET} THEN 1 ELSE 0 END) OVER (${w}) = 1 THEN MIN(CASE WHEN g.steroid THEN COALESCE(g.dose, 0) END) OVER (${w}) ELSE 0 END) AS gmin, ROW_NUMBER() OVER (${w} ORDER BY g.${q('idx')}) AS rn FROM (${dosed}) AS g${fence}`;
    // What the record lacks, in the JS calculator's order: its class; for a steroid maybe taken,
    // the unrecorded end of its course and its dose (a dose history for a drug in the table).
    const path = (field: string) => token(recordPath('medications', m, field));
    const lacks = `(CASE WHEN ${c(m, 'class')} IS NULL THEN ${path('class')} WHEN ${m}.steroid THEN ${missingList(ctx.dialect, [when(`${m}.taken = ${UNKNOWN}`, `(CASE WHEN ${c(m, 'start')} IS NOT NULL THEN ${path('stop')} ELSE ${path('start')} END)`), when(`${m}.dose IS NULL`, `(CASE WHEN ${m}.eq IS NOT NULL THEN ${path('doses')} ELSE ${path('prednisoneEquivalentMgPerDay')} END)`), when(`${m}.n > 1 AND ${m}.dose IS NOT NULL`, `(CASE WHEN ${m}.eq IS NOT NULL THEN ${token(recordPath('medications', m, 'doses'), { kind: 'dailyTotal', date: `${m}.ref_date` })} ELSE ${token(recordPath('medications', m, 'prednisoneEquivalentMgPerDay'), { kind: 'dailyTotal', date: `${m}.ref_date` })} END)`)])} END)`;
    const low = `(CASE WHEN ${m}.n > 1 THEN (CASE WHEN ${m}.rn = 1 THEN COALESCE(${m}.gmin, 0) ELSE 0 END) WHEN ${m}.steroid AND ${m}.taken = ${MET} THEN ${m}.dose ELSE 0 END)`;
    const perMed = `SELECT ${c(m, ROW)}, ${c(m, 'idx')} AS ix, (CASE WHEN ${c(m, 'class')} IS NULL THEN 1 WHEN ${m}.steroid AND ${m}.dose IS NULL THEN 1 ELSE 0 END) AS open_high, ${low} AS low, (CASE WHEN ${m}.steroid THEN ${m}.dose ELSE 0 END) AS high, ${lacks} AS lacks FROM (${grouped}) AS ${m}`;
    return sharedJoin(ctx, 'pe', false, `SELECT t.${q(ROW)}, MAX(t.open_high) AS open_high, SUM(t.low) AS low, SUM(t.high) AS high, ${ctx.dialect.joinInOrder('t.lacks', ['t.ix'], MISSING_SEP)} AS m FROM (${perMed}) AS t GROUP BY t.${q(ROW)}`);
  });
}

/** The patient-level inputs the prednisone calculator needs first, in its order. */
const prednisoneInputs = (ctx: SqlCtx, at: ReferenceDateName): [string, string][] => [
  [col(ctx, 'demographics.weightKg'), 'demographics.weightKg'],
  [refCol(ctx, at), `referenceDates.${at}`],
  [col(ctx, 'medications'), 'medications'],
];

const prednisoneEquivalentPerKg: CalcSql = (ctx, params) => {
  const op = SQL_OPS[params.op as string] as string;
  const mgPerKg = params.mgPerKgPerDay as number;
  const at = (params.at as ReferenceDateName | undefined) ?? 'screening';
  const { exact } = ctx.dialect;
  const weight = col(ctx, 'demographics.weightKg');
  const j = prednisoneTable(ctx, params);
  const limit = exact(`${mgPerKg} * ${weight}`);
  const test = (v: string) => `${exact(v)} ${op} ${limit}`;
  // An unbounded high end passes '>'/'>=' and fails '<'/'<=' (compareDoseRange).
  const hiPasses = op.startsWith('>') ? 'TRUE' : 'FALSE';
  const lo = `(${test(`COALESCE(${j}.low, 0)`)})`;
  const hi = `(CASE WHEN ${j}.open_high = 1 THEN ${hiPasses} ELSE ${test(`COALESCE(${j}.high, 0)`)} END)`;
  return `(CASE WHEN ${prednisoneInputs(ctx, at).map(([c]) => `${c} IS NULL`).join(' OR ')} THEN ${UNKNOWN} WHEN ${lo} AND ${hi} THEN ${MET} WHEN NOT ${lo} AND NOT ${hi} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
};

/**
 * combinedIntolerance and combinedTreatment (combined-intolerance.ts): a course (stopped for
 * intolerance; or any immunosuppressant) that overlapped a course of the partner class
 * (glucocorticoid / immunosuppressant) for at least `months` before the reference date. Per pair
 * as overlapAtLeast: unknown dates bounded by start ≤ end ≤ the date; the patient is met when a
 * pair is, else unknown when a pair is, else not met (MAX of the codes).
 */
type Pairing = 'intolerance' | 'treatment';
const pairedCourses =
  (pairing: Pairing): CalcSql =>
  (ctx, params) => {
    const at = (params.at as ReferenceDateName | undefined) ?? 'screening';
    const date = refCol(ctx, at);
    const list = col(ctx, 'medications');
    const j = pairsTable(ctx, params, pairing);
    return `(CASE WHEN ${date} IS NULL OR ${list} IS NULL THEN ${UNKNOWN} ELSE COALESCE(${j}.o, ${NOT_MET}) END)`;
  };
const combinedIntolerance = pairedCourses('intolerance');
const combinedTreatment = pairedCourses('treatment');

/** Per patient: the best pair's outcome, and what the undecided pairs lack (made once per params). */
function pairsTable(ctx: SqlCtx, params: Record<string, unknown>, pairing: Pairing): string {
  const months = params.months as number;
  const date = refCol(ctx, (params.at as ReferenceDateName | undefined) ?? 'screening');
  return memo(ctx, params, () => {
    // A course is the chain of its drug's records with every date recorded (chains.ts, chainedCourse
    // in the JS), else the record's own dates: c<x>.least_start is NULL when the record is not in one.
    const chained = (x: string) => `c${x}.${q('least_start')} IS NOT NULL`;
    const end = (x: string) => `(CASE WHEN ${chained(x)} THEN LEAST(c${x}.${q('least_end')}, ${date}) WHEN ${x}.${q('stop')} IS NOT NULL THEN LEAST(${x}.${q('stop')}, ${date}) WHEN ${x}.${q('ongoing')} IS TRUE THEN ${date} END)`;
    const start = (x: string) => `COALESCE(c${x}.${q('least_start')}, ${x}.${q('start')})`;
    const reached = shiftSql(`GREATEST(${start('a')}, ${start('b')})`, { months }, 1);
    const minEnd = (x: string) => `COALESCE(${end(x)}, ${start(x)})`;
    const maxEnd = (x: string) => `COALESCE(${end(x)}, ${date})`;
    const pair = `(CASE WHEN ${start('a')} IS NULL OR ${start('b')} IS NULL THEN ${UNKNOWN} WHEN ${reached} <= LEAST(${minEnd('a')}, ${minEnd('b')}) THEN ${MET} WHEN ${reached} > LEAST(${maxEnd('a')}, ${maxEnd('b')}) THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
    const cls = (x: string, c: string) => `${x}.${q('class')} = '${c}'`;
    // Every ordered pair of a patient's two courses, each with its chain (if any).
    const chains = sharedTable(ctx.tables, chainsTableSql(ctx.dialect, 'medications'));
    const chainOf = (x: string) => `LEFT JOIN (${chains}) AS c${x} ON c${x}.${q(ROW)} = ${x}.${q(ROW)} AND c${x}.${q('idx')} = ${x}.${q('idx')}`;
    const pairsFrom = `FROM ${q('patients')} AS p JOIN ${q('medications')} AS a ON a.${q(ROW)} = p.${q(ROW)} JOIN ${q('medications')} AS b ON b.${q(ROW)} = a.${q(ROW)} AND b.${q('idx')} <> a.${q('idx')} ${chainOf('a')} ${chainOf('b')}`;
    if (pairing === 'treatment') {
      // An undecided pair names both courses' unrecorded ends, pair by pair (as the JS calculator).
      const ends = (x: string) => [when(`${x}.${q('start')} IS NULL`, token(recordPath('medications', x, 'start'))), when(`${x}.${q('stop')} IS NULL AND ${x}.${q('ongoing')} IS NOT TRUE`, token(recordPath('medications', x, 'stop')))];
      // Course a, a named immunosuppressant, with b, a glucocorticoid.
      const not = (params.notDrugs as string[] | undefined) ?? [];
      const considered = `${cls('a', 'immunosuppressant')} AND a.${q('drug')} IS NOT NULL${not.length ? ` AND a.${q('drug')} NOT IN (${not.map(lit).join(', ')})` : ''} AND ${cls('b', 'corticosteroid')}`;
      const lacks = ctx.dialect.joinInOrder(ifUnknown(pair, missingList(ctx.dialect, [...ends('a'), ...ends('b')])), [`a.${q('idx')}`, `b.${q('idx')}`], MISSING_SEP);
      return sharedJoin(ctx, 'ct', false, `SELECT p.${q(ROW)}, MAX(${pair}) AS o, ${lacks} AS m ${pairsFrom} WHERE ${considered} GROUP BY p.${q(ROW)}`);
    }
    // combinedIntolerance (its JS evaluate): course a stopped for intolerance, b any other; each on
    // a side, 's' the glucocorticoid, 'i' the immunosuppressive therapy (class immunosuppressant or
    // one of alsoClasses), 'u' no class recorded (either), 'n' neither (no pair).
    //
    // In layers, each a SELECT over the one before, so that every piece is written (and planned and
    // computed) once per pair: the sides and the overlap (w, over the pairs), which side is the
    // immunosuppressive therapy (x), its drug and class (y), whether it counts (z), the pair's
    // outcome (outcome); nested inline, the sides alone were written 60 times over and the two
    // tables of NCT04946669 were half of its query's text.
    const also = (params.alsoClasses as string[] | undefined) ?? [];
    const not = params.notDrugs as string[] | undefined;
    const only = params.onlyDrugs as string[] | undefined;
    const filtered = only !== undefined || (not?.length ?? 0) > 0;
    const immunoClasses = ['immunosuppressant', ...also].map(lit).join(', ');
    const side = (x: string) => `(CASE WHEN ${x}.${q('class')} IS NULL THEN 'u' WHEN ${cls(x, 'corticosteroid')} THEN 's' WHEN ${x}.${q('class')} IN (${immunoClasses}) THEN 'i' ELSE 'n' END)`;
    // Stopped by the date (intolerance means the drug was stopped); still taken: not counted.
    const stopped = `(CASE WHEN a.${q('stop')} IS NOT NULL THEN (CASE WHEN a.${q('stop')} <= ${date} THEN ${MET} ELSE ${NOT_MET} END) WHEN a.${q('ongoing')} IS TRUE THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
    // The response not recorded: possibly intolerance (a course stopped by the date; others are no candidate).
    const intolerant = `(CASE WHEN a.${q('outcome')} IS NULL THEN ${UNKNOWN} ELSE ${MET} END)`;
    // A course's field and its record's path (its index a column of the layers).
    const fields = ['idx', 'drug', 'outcome'] as const;
    const f = (x: 'a' | 'b', field: (typeof fields)[number] | 'start_null' | 'stop_open') => `${x}_${field}`;
    const path = (x: 'a' | 'b', field: string) => token(recordPath('medications', 'w', field, q(f(x, 'idx'))));
    const w = [
      `p.${q(ROW)} AS ${q(ROW)}`,
      ...(['a', 'b'] as const).flatMap((x) => [
        ...fields.map((k) => `${x}.${q(k)} AS ${f(x, k)}`),
        `${x}.${q('start')} IS NULL AS ${f(x, 'start_null')}`,
        `(${x}.${q('stop')} IS NULL AND ${x}.${q('ongoing')} IS NOT TRUE) AS ${f(x, 'stop_open')}`,
      ]),
      `a.${q('class')} AS a_class`,
      `b.${q('class')} AS b_class`,
      `${side('a')} AS sa`,
      `${side('b')} AS sb`,
      `${pair} AS k_pair`,
      `${stopped} AS k_stopped`,
      `${intolerant} AS k_intolerant`,
    ];
    // The course on the immunosuppressive side, as the JS picks it (none when both classes are missing).
    const onA = `(w.sa = 'i' OR (w.sb <> 'i' AND w.sa = 'u' AND w.sb = 's'))`;
    const onB = `(NOT ${onA} AND (w.sb = 'i' OR (w.sb = 'u' AND w.sa = 's')))`;
    const valid = `(CASE WHEN w.sa = 'u' OR w.sb = 'u' THEN ${UNKNOWN} WHEN w.sa <> w.sb THEN ${MET} ELSE ${NOT_MET} END)`;
    const x = [`${onA} AS k_on_a`, `${onB} AS k_on_b`, `${valid} AS k_valid`];
    const immuno = (field: string) => `(CASE WHEN w.k_on_a THEN w.a_${field} WHEN w.k_on_b THEN w.b_${field} END)`;
    const y = [`${immuno('drug')} AS k_drug`, `${immuno('class')} AS k_class`];
    const drugCounts = !filtered ? MET : `(CASE WHEN w.k_drug IS NULL THEN ${UNKNOWN} WHEN w.k_drug ${only ? '' : 'NOT '}IN (${(only ?? not ?? []).map(lit).join(', ')}) THEN ${MET} ELSE ${NOT_MET} END)`;
    const counts = `(CASE WHEN NOT (w.k_on_a OR w.k_on_b) THEN ${filtered ? UNKNOWN : MET}${also.length ? ` WHEN w.k_class IN (${also.map(lit).join(', ')}) THEN ${MET}` : ''} ELSE ${drugCounts} END)`;
    const z = [`${counts} AS k_counts`];
    const outcome = [`LEAST(w.k_intolerant, w.k_stopped, w.k_valid, w.k_counts, w.k_pair) AS k_paired`];
    // What an undecided pair lacks, in the JS order: the ends (if the overlap is undecided), each
    // class not recorded (as its drug, or the class of an "other" drug), the drug that decides.
    const ends = (c: 'a' | 'b') => [when(`w.${f(c, 'start_null')}`, path(c, 'start')), when(`w.${f(c, 'stop_open')}`, path(c, 'stop'))];
    const classLack = (c: 'a' | 'b') => when(`w.s${c} = 'u'`, `(CASE WHEN w.${f(c, 'drug')} IS NULL THEN ${path(c, 'drug')} ELSE ${path(c, 'class')} END)`);
    const drugToken = `(CASE WHEN w.k_on_a THEN ${path('a', 'drug')} ELSE ${path('b', 'drug')} END)`;
    const lacking = [...[...ends('a'), ...ends('b')].map((e) => when(`w.k_pair = ${UNKNOWN}`, e)), when(`w.k_stopped = ${UNKNOWN}`, path('a', 'stop')), when(`w.a_outcome IS NULL`, path('a', 'outcome')), classLack('a'), classLack('b'), when(`w.k_counts = ${UNKNOWN} AND (w.k_on_a OR w.k_on_b) AND w.k_drug IS NULL`, drugToken)];
    const lacks = ctx.dialect.joinInOrder(ifUnknown('w.k_paired', missingList(ctx.dialect, lacking)), [`w.${f('a', 'idx')}`, `w.${f('b', 'idx')}`], MISSING_SEP);
    const pairsSql = `SELECT ${w.join(', ')} ${pairsFrom}`;
    // (The candidates: a course stopped for intolerance, or possibly, with a side each.)
    // (PostgreSQL would pull the layers up into one select and copy the expressions back: the fence keeps them apart.)
    const fence = ctx.dialect.fence;
    const candidates = `SELECT * FROM (${pairsSql}) AS w WHERE (w.a_outcome = 'intolerance' OR (w.a_outcome IS NULL AND w.k_stopped <> ${NOT_MET})) AND w.sa <> 'n' AND w.sb <> 'n'${fence}`;
    const layer = (from: string, columns: string[]) => `SELECT w.*, ${columns.join(', ')} FROM (${from}) AS w${fence}`;
    const decided = layer(layer(layer(layer(candidates, x), y), z), outcome);
    return sharedJoin(ctx, 'ci', false, `SELECT w.${q(ROW)}, MAX(w.k_paired) AS o, ${lacks} AS m FROM (${decided}) AS w GROUP BY w.${q(ROW)}`);
  });
}

export const CALCULATOR_SQL: Record<string, CalcSql> = { bohanPeter, sontheimerCadm, imacsImprovement, prednisoneEquivalentPerKg, combinedIntolerance, combinedTreatment };

/** What combinedIntolerance / combinedTreatment lack while unknown: the date or the list, else the undecided pairs' dates. */
function pairedMissing(pairing: Pairing, outcome: CalcSql): CalcSql {
  return (ctx, params) => {
    const at = (params.at as ReferenceDateName | undefined) ?? 'screening';
    const [date, list] = [refCol(ctx, at), col(ctx, 'medications')];
    return `(CASE WHEN ${date} IS NULL OR ${list} IS NULL THEN ${missingList(ctx.dialect, [unrecorded(ctx, `referenceDates.${at}`, date), unrecorded(ctx, 'medications', list)])} WHEN ${outcome(ctx, params)} = ${UNKNOWN} THEN ${pairsTable(ctx, params, pairing)}.m END)`;
  };
}

/** `field` when its column is NULL (a missing token for a patient-level field). */
const unrecorded = (ctx: SqlCtx, field: string, column = col(ctx, field)): string => when(`${column} IS NULL`, token(lit(field)));

/** The IMACS measures' columns: per visit the value (the score of the MMT-8, the enzyme's value). */
function imacsColumns(ctx: SqlCtx, key: string): [string, string] {
  return (['baseline', 'followUp'] as const).map((visit) => {
    const path = `imacs.${visit}.${key}`;
    return key === 'mmt8' ? col(ctx, path, 'score') : key === 'enzyme' ? col(ctx, path, 'value') : col(ctx, path);
  }) as [string, string];
}

/**
 * What each calculator lacks while unknown: the JS calculator's `missing`, in its order. Patient
 * inputs are named when NULL; list records through the calculator's table (recordPath).
 */
export const CALCULATOR_MISSING_SQL: Record<string, CalcSql> = {
  bohanPeter: (ctx, params) => ifUnknown(bohanPeter(ctx, params), missingList(ctx.dialect, BOHAN_PETER_ITEMS.map((i) => unrecorded(ctx, i.path)))),
  sontheimerCadm: (ctx, params) => ifUnknown(sontheimerCadm(ctx, params), missingList(ctx.dialect, ['diagnosis.sontheimerSkinMonths', 'diagnosis.skinBiopsyConfirmed', 'bohanPeter.weakness'].map((f) => unrecorded(ctx, f)))),
  imacsImprovement(ctx, params) {
    // A measure missing at a visit (an MMT-8 also without its scale); both recorded, an MMT-8 on another scale than at baseline.
    const measures = IMACS_MEASURES.map((m) => {
      const [b, f] = imacsColumns(ctx, m.key);
      const paths = [`imacs.baseline.${m.key}`, `imacs.followUp.${m.key}`] as const;
      if (m.key !== 'mmt8') return missingList(ctx.dialect, [unrecorded(ctx, paths[0], b), unrecorded(ctx, paths[1], f)]);
      const [bm, fm] = [col(ctx, paths[0], 'max'), col(ctx, paths[1], 'max')];
      const gap = (v: string, max: string, path: string) => when(`${v} IS NULL OR ${max} IS NULL`, token(lit(path)));
      return `(CASE WHEN ${b} IS NULL OR ${bm} IS NULL OR ${f} IS NULL OR ${fm} IS NULL THEN ${missingList(ctx.dialect, [gap(b, bm, paths[0]), gap(f, fm, paths[1])])} WHEN ${bm} <> ${fm} THEN ${token(lit(paths[1]), { kind: 'scale', max: numText(bm), asBaseline: true })} END)`;
    });
    return ifUnknown(imacsImprovement(ctx, params), missingList(ctx.dialect, measures));
  },
  prednisoneEquivalentPerKg(ctx, params) {
    const inputs = prednisoneInputs(ctx, (params.at as ReferenceDateName | undefined) ?? 'screening');
    const first = `${inputs.map(([c]) => `${c} IS NULL`).join(' OR ')}`;
    return `(CASE WHEN ${first} THEN ${missingList(ctx.dialect, inputs.map(([c, field]) => unrecorded(ctx, field, c)))} WHEN ${prednisoneEquivalentPerKg(ctx, params)} = ${UNKNOWN} THEN ${prednisoneTable(ctx, params)}.m END)`;
  },
  combinedIntolerance: pairedMissing('intolerance', combinedIntolerance),
  combinedTreatment: pairedMissing('treatment', combinedTreatment),
};

