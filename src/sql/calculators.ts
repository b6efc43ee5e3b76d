// The built-in calculators compiled to SQL, one `toSql` per calculator beside the JS registry's
// names. Where a calculator enumerates completions of unknown inputs, the truth table is worked
// out here at compile time by the calculator's own JS functions, so SQL and JS cannot drift.
import { BOHAN_PETER_ITEMS, CERTAINTIES, classifyBohanPeter, meetsClass, type Certainty } from '../engine/calculators/bohan-peter.js';
import { overCompletions } from '../engine/calculators/completions.js';
import { IMACS_DOI, IMACS_MEASURES, meetsDefinition, type ImacsRule, type MeasureStatus } from '../engine/calculators/imacs-improvement.js';
import { ROW, quoteIdent as q } from './layout.js';
import { MET, NOT_MET, SQL_OPS, UNKNOWN, addJoin, and, col, currentDoseTable, memo, refCol, takenOnSql, tri, type SqlCtx } from './kinds.js';
import type { ReferenceDateName } from '../criteria/rule-schema.js';

type CalcSql = (ctx: SqlCtx, params: Record<string, unknown>) => string;

/** met / not met when every consistent completion agrees, else unknown; from the JS truth table. */
function byTruthTable(columns: string[], truth: (xs: boolean[]) => boolean): string {
  const t: string[] = [];
  const f: string[] = [];
  for (let bits = 0; bits < 1 << columns.length; bits++) {
    const xs = columns.map((_, i) => (bits & (1 << i)) !== 0);
    const consistent = columns.map((c, i) => `${c} IS NOT ${xs[i] ? 'FALSE' : 'TRUE'}`).join(' AND ');
    (truth(xs) ? t : f).push(`(${consistent})`);
  }
  const any = (xs: string[]) => (xs.length ? `(${xs.join(' OR ')})` : 'FALSE');
  return `(CASE WHEN ${any(t)} AND ${any(f)} THEN ${UNKNOWN} WHEN ${any(t)} THEN ${MET} ELSE ${NOT_MET} END)`;
}

const bohanPeter: CalcSql = (ctx, params) => {
  const subtypes = (params.subtypes as ('dm' | 'pm')[] | undefined) ?? ['dm', 'pm'];
  const min = (params.minCertainty as Certainty | undefined) ?? 'possible';
  if (!CERTAINTIES.includes(min)) throw new Error(`bohanPeter: minCertainty ${min}`);
  const cols = BOHAN_PETER_ITEMS.map((i) => col({ ...ctx, p: 'p' }, i.path));
  // Computed once per patient in its own table: the truth table is long, and read twice.
  const j = memo(ctx, params, () => addJoin(ctx, 'bp', false, () => `SELECT p.${q(ROW)}, ${table} AS o FROM ${q('patients')} AS p`));
  const table = byTruthTable(cols, (xs) => meetsClass(classifyBohanPeter({ weakness: !!xs[0], enzymes: !!xs[1], emg: !!xs[2], biopsy: !!xs[3], rash: !!xs[4] }), subtypes, min));
  return `${j}.o`;
};

const sontheimerCadm: CalcSql = (ctx, params) => {
  const minSkinMonths = typeof params.minSkinMonths === 'number' ? params.minSkinMonths : 6;
  const months = col(ctx, 'diagnosis.sontheimerSkinMonths');
  const biopsy = col(ctx, 'diagnosis.skinBiopsyConfirmed');
  const weakness = col(ctx, 'bohanPeter.weakness');
  return and([tri([months], `${months} >= ${minSkinMonths}`), tri([biopsy], `${biopsy} = TRUE`), tri([weakness], `${weakness} = FALSE`)]);
};

const STATUS_CODE: Record<MeasureStatus, number> = { improved: 0, worsened: 1, unchanged: 2 };
const UNKNOWN_STATUS = 3;

const imacsImprovement: CalcSql = (ctx, params) => {
  const rule: ImacsRule = { ...IMACS_DOI, ...(params as Partial<ImacsRule>) };
  const { exact } = ctx.dialect;
  // Each measure's status code (measureChange in imacs-improvement.ts), 3 when not known.
  const statuses = IMACS_MEASURES.map((m) => {
    const [b, f] = (['baseline', 'followUp'] as const).map((visit) => {
      const path = `imacs.${visit}.${m.key}`;
      return m.key === 'mmt8' ? col(ctx, path, 'score') : m.key === 'enzyme' ? col(ctx, path, 'value') : col(ctx, path);
    }) as [string, string];
    const gaps = [`${b} IS NULL`, `${f} IS NULL`];
    if (m.key === 'mmt8') {
      const [bm, fm] = [col(ctx, 'imacs.baseline.mmt8', 'max'), col(ctx, 'imacs.followUp.mmt8', 'max')];
      gaps.push(`${bm} IS NULL`, `${fm} IS NULL`, `${bm} <> ${fm}`);
    }
    const better = m.higherIsBetter ? `(${f} - ${b})` : `(${b} - ${f})`;
    const scale = `abs(${b})`;
    const worse = exact(`-${better} * 100`);
    const limit = exact(`${rule.worsenPct} * ${scale}`);
    return `(CASE WHEN ${gaps.join(' OR ')} THEN ${UNKNOWN_STATUS} WHEN ${better} > 0 AND ${exact(`${better} * 100`)} >= ${exact(`${rule.improvePct} * ${scale}`)} THEN ${STATUS_CODE.improved} WHEN ${better} < 0 AND ${worse} ${rule.worsenedWhen === '>=' ? '>=' : '>'} ${limit} THEN ${STATUS_CODE.worsened} ELSE ${STATUS_CODE.unchanged} END)`;
  });
  const mmtIndex = IMACS_MEASURES.findIndex((m) => m.key === 'mmt8');
  // The statuses as columns of a per-patient table, so the counts below read each one cheaply.
  const j = memo(ctx, params, () => addJoin(ctx, 'im', false, () => `SELECT p.${q(ROW)}${statuses.map((s, i) => `, ${s} AS s${i}`).join('')} FROM ${q('patients')} AS p`));
  const countOf = (code: number) => `(${statuses.map((_, i) => `(CASE WHEN ${j}.s${i} = ${code} THEN 1 ELSE 0 END)`).join(' + ')})`;
  const key = `(${countOf(STATUS_CODE.improved)} * 1000 + ${countOf(STATUS_CODE.worsened)} * 100 + ${countOf(UNKNOWN_STATUS)} * 10 + ${j}.s${mmtIndex})`;
  // The outcome depends only on how many measures improved / worsened / are unknown and on
  // the MMT's status (meetsDefinition): tabulate every such case with the JS functions.
  const met: number[] = [];
  const notMet: number[] = [];
  const all: (MeasureStatus | undefined)[] = ['improved', 'worsened', 'unchanged', undefined];
  const n = IMACS_MEASURES.length;
  for (const mmt of all) {
    for (let imp = 0; imp <= n; imp++) {
      for (let wor = 0; imp + wor <= n; wor++) {
        for (let unk = 0; imp + wor + unk <= n; unk++) {
          const known: MeasureStatus[] = [...Array(imp).fill('improved'), ...Array(wor).fill('worsened'), ...Array(n - imp - wor - unk).fill('unchanged')];
          // Place the MMT's own status; skip combinations the counts cannot hold.
          const others = [...known];
          if (mmt === undefined) {
            if (unk === 0) continue;
          } else {
            const at = others.indexOf(mmt);
            if (at < 0) continue;
            others.splice(at, 1);
          }
          const slots: MeasureStatus[][] = [];
          for (let i = 0; i < n; i++) {
            if (i === mmtIndex) slots.push(mmt === undefined ? ['improved', 'worsened', 'unchanged'] : [mmt]);
            else if (others.length) slots.push([others.shift() as MeasureStatus]);
            else slots.push(['improved', 'worsened', 'unchanged']);
          }
          const outcome = overCompletions(slots, (s) => meetsDefinition(s, rule));
          const code = imp * 1000 + wor * 100 + unk * 10 + (mmt === undefined ? UNKNOWN_STATUS : STATUS_CODE[mmt]);
          if (outcome === 'met') met.push(code);
          else if (outcome === 'not_met') notMet.push(code);
        }
      }
    }
  }
  const inList = (xs: number[]) => (xs.length ? `${key} IN (${xs.join(', ')})` : 'FALSE');
  return `(CASE WHEN ${inList(met)} THEN ${MET} WHEN ${inList(notMet)} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
};

const prednisoneEquivalentPerKg: CalcSql = (ctx, params) => {
  const op = SQL_OPS[params.op as string] as string;
  const mgPerKg = params.mgPerKgPerDay as number;
  const at = (params.at as ReferenceDateName | undefined) ?? 'screening';
  const { exact } = ctx.dialect;
  const weight = col(ctx, 'demographics.weightKg');
  const date = refCol(ctx, at);
  const list = col(ctx, 'medications');
  const j = memo(ctx, params, () => {
    const m = 'm';
    const cur = 'c';
    // One medication's prednisone-equivalent mg/day (prednisoneEquivalentMgPerDay): the current
    // dose of prednisone/prednisolone in mg/day, else the recorded equivalent; both and unequal
    // is a contradiction (NULL, so its dose is not known).
    const fromDoses = `(CASE WHEN ${m}.${q('drug')} IN ('prednisone', 'prednisolone') AND ${cur}.${q('unit')} = 'mg/day' THEN ${cur}.${q('dose')} END)`;
    const summary = `${m}.${q('prednisoneEquivalentMgPerDay')}`;
    const dose = `(CASE WHEN ${summary} IS NOT NULL AND ${fromDoses} IS NOT NULL AND ${summary} <> ${fromDoses} THEN NULL ELSE COALESCE(${fromDoses}, ${summary}) END)`;
    const on = takenOnSql(m, date);
    const steroid = `${m}.${q('class')} = 'corticosteroid' AND ${on} <> ${NOT_MET}`;
    const perMed = `SELECT ${m}.${q(ROW)}, (CASE WHEN ${m}.${q('class')} IS NULL THEN 1 WHEN ${steroid} AND ${dose} IS NULL THEN 1 ELSE 0 END) AS open_high, (CASE WHEN ${steroid} AND ${on} = ${MET} THEN ${dose} ELSE 0 END) AS low, (CASE WHEN ${steroid} THEN ${dose} ELSE 0 END) AS high FROM ${q('medications')} AS ${m} JOIN ${q('patients')} AS p ON p.${q(ROW)} = ${m}.${q(ROW)} LEFT JOIN (${currentDoseTable('medications', date)}) AS ${cur} ON ${cur}.${q(ROW)} = ${m}.${q(ROW)} AND ${cur}.${q('idx')} = ${m}.${q('idx')}`;
    return addJoin(ctx, 'pe', false, () => `SELECT t.${q(ROW)}, MAX(t.open_high) AS open_high, SUM(t.low) AS low, SUM(t.high) AS high FROM (${perMed}) AS t GROUP BY t.${q(ROW)}`);
  });
  const limit = exact(`${mgPerKg} * ${weight}`);
  const test = (v: string) => `${exact(v)} ${op} ${limit}`;
  // An unbounded high end passes '>'/'>=' and fails '<'/'<=' (compareDoseRange).
  const hiPasses = op.startsWith('>') ? 'TRUE' : 'FALSE';
  const lo = `(${test(`COALESCE(${j}.low, 0)`)})`;
  const hi = `(CASE WHEN ${j}.open_high = 1 THEN ${hiPasses} ELSE ${test(`COALESCE(${j}.high, 0)`)} END)`;
  return `(CASE WHEN ${weight} IS NULL OR ${date} IS NULL OR ${list} IS NULL THEN ${UNKNOWN} WHEN ${lo} AND ${hi} THEN ${MET} WHEN NOT ${lo} AND NOT ${hi} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
};

export const CALCULATOR_SQL: Record<string, CalcSql> = { bohanPeter, sontheimerCadm, imacsImprovement, prednisoneEquivalentPerKg };

