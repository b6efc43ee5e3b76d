// Pure evaluation of a trial's criteria against one normalised patient record. No I/O, no
// clock: reference dates come in as arguments, and absent data is `unknown`, never a guess.
import { enumLabel, fieldLabel, recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { Condition, Criterion, ReferenceDateName } from '../criteria/rule-schema.js';
import { CALCULATORS } from './calculators.js';
import { takenOn as medicationTakenOn } from './medication.js';
import { ageInYears, compareDates, formatDuration, shift, toDayNumber } from './dates.js';
import { and, atLeast, countCompare, fromBoolean, isOpen, not, openOf, or, type Outcome } from './logic.js';
import type { CriterionResult, Fact, ReferenceDates, ReviewItem, ScreeningResult, Trace, Verdict } from './result.js';
import { COMPLETENESS_PREFIX, completenessPath, getPath, type PatientRecord, type ReviewDecision } from './patient-record.js';
import { own } from '../util/own.js';

type Scope = { records: string; index: number; item: Record<string, unknown> };

type Ctx = {
  patient: PatientRecord;
  dict: Dictionary;
  trial: Trial;
  dates: ReferenceDates;
  scope?: Scope;
  reviews: ReviewItem[];
  criterionId: string;
  /** Definitions being expanded, to stop a cycle that slipped past the loader. */
  expanding: string[];
};

const REF_PATH = (name: ReferenceDateName) => `referenceDates.${name}`;

export type ScreenOptions = { referenceDates: ReferenceDates };

export function screenPatient(trial: Trial, dict: Dictionary, patient: PatientRecord, options: ScreenOptions): ScreeningResult {
  const criteria = trial.criteria.map((c) => evaluateCriterion(trial, dict, patient, options.referenceDates, c));
  const verdict = decideVerdict(criteria);
  const missing = new Map<string, { field: string; label: string; criteria: string[] }>();
  for (const c of criteria) {
    for (const m of c.missing) {
      const entry = missing.get(m) ?? { field: m, label: labelForPath(dict, m, patient), criteria: [] };
      if (!entry.criteria.includes(c.id)) entry.criteria.push(c.id);
      missing.set(m, entry);
    }
  }
  const counts = { met: 0, not_met: 0, unknown: 0, needs_review: 0, failing: 0 };
  for (const c of criteria) {
    counts[c.outcome] += 1;
    if (c.effect === 'fails') counts.failing += 1;
  }
  return {
    trial: {
      id: trial.meta.id,
      nct: trial.meta.nct,
      title: trial.meta.title,
      version: trial.meta.criteriaVersion,
      sha256: trial.sha256,
      completeness: trial.meta.completeness,
      ...(trial.meta.completenessNote ? { completenessNote: trial.meta.completenessNote } : {}),
    },
    patientId: typeof patient.id === 'string' ? patient.id : null,
    ...(patient.provenance ? { provenance: patient.provenance } : {}),
    referenceDates: options.referenceDates,
    verdict,
    criteria,
    missing: [...missing.values()],
    // Each criterion already lists only the open questions that matter now (see evaluateCriterion).
    review: criteria.flatMap((c) => c.review.filter((r) => r.status === 'open')),
    counts,
  };
}

/**
 * Ids of the review items a person should decide now: inside nodes that are still open, and only
 * where no sibling is still unknown. An unknown sibling is either a premise of the question (the
 * other parts of an "all") or data that may make it unnecessary (another alternative of an
 * "any"): collect that data first, so no question asserts what the data does not show.
 */
export function liveReviewIds(t: Trace, out = new Set<string>(), onlyListWhileOpen = false): Set<string> {
  if (!isOpen(t.outcome)) return out;
  if (t.kind === 'review' && typeof t.detail?.id === 'string' && (!onlyListWhileOpen || t.detail.listWhileOpen === true)) out.add(t.detail.id);
  const children = t.children ?? [];
  children.forEach((c, i) => {
    // A question marked listWhileOpen assumes nothing the missing data would show: ask it anyway.
    const waiting = children.some((other, j) => j !== i && other.outcome === 'unknown');
    liveReviewIds(c, out, onlyListWhileOpen || waiting);
  });
  return out;
}

/** Ineligible beats everything; otherwise any open criterion leaves the verdict undetermined. */
export function decideVerdict(criteria: Pick<CriterionResult, 'effect'>[]): Verdict {
  if (criteria.some((c) => c.effect === 'fails')) return 'ineligible';
  if (criteria.some((c) => c.effect === 'open')) return 'undetermined';
  return 'eligible';
}

export function effectOf(type: 'inclusion' | 'exclusion', outcome: Outcome): CriterionResult['effect'] {
  if (isOpen(outcome)) return 'open';
  const passes = type === 'inclusion' ? outcome === 'met' : outcome === 'not_met';
  return passes ? 'passes' : 'fails';
}

export function evaluateCriterion(trial: Trial, dict: Dictionary, patient: PatientRecord, dates: ReferenceDates, criterion: Criterion): CriterionResult {
  const ctx: Ctx = { patient, dict, trial, dates, reviews: [], criterionId: criterion.id, expanding: [] };
  const trace = evaluateCondition(criterion.rule, ctx);
  const live = liveReviewIds(trace);
  return {
    id: criterion.id,
    type: criterion.type,
    title: criterion.title,
    source: criterion.source,
    outcome: trace.outcome,
    effect: effectOf(criterion.type, trace.outcome),
    trace,
    missing: trace.missing,
    // Open questions only where they can still change the result (liveReviewIds); decided ones
    // always, as the record of who decided. A review met once per record is listed once.
    review: ctx.reviews
      .filter((r) => r.status !== 'open' || live.has(r.id))
      .filter((r, i, all) => all.findIndex((x) => x.id === r.id && x.status === r.status) === i),
    ...(criterion.note ? { note: criterion.note } : {}),
  };
}

/** Words for a missing path, naming the record (e.g. the drug) when it is inside a list. */
function labelForPath(dict: Dictionary, path: string, patient: PatientRecord): string {
  if (path.startsWith('referenceDates.')) return `${path.slice('referenceDates.'.length)} date`;
  if (path.startsWith(COMPLETENESS_PREFIX)) return `confirmation that the ${fieldLabel(dict, path.slice(COMPLETENESS_PREFIX.length)).toLowerCase()} list is complete`;
  const m = /^([a-zA-Z.]+?)\[(\d+)\]\.(\w+)(.*)$/.exec(path);
  if (m) {
    const [, records = '', index = '0', field = '', rest = ''] = m;
    const list = getPath(patient, records);
    const item = Array.isArray(list) ? (list[Number(index)] as Record<string, unknown> | undefined) : undefined;
    const what = field === 'stop' ? 'date of last dose (or "ongoing": true)' : fieldLabel(dict, field, records);
    const name = item ? itemName(dict, records, item, Number(index)) : `#${Number(index) + 1}`;
    return `${what}${rest} of ${name} (${fieldLabel(dict, records).toLowerCase()} #${Number(index) + 1})`;
  }
  const direct = dict.fields.get(path);
  if (direct) return direct.label;
  const parent = path.slice(0, path.lastIndexOf('.'));
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  const pdef = dict.fields.get(parent);
  if (pdef) return `${pdef.label} ${leaf === 'uln' ? 'upper limit of normal' : leaf}`;
  return path;
}

function node(kind: string, outcome: Outcome, parts: Partial<Trace> = {}, noteText?: string): Trace {
  const t: Trace = { kind, outcome, facts: parts.facts ?? [], missing: outcome === 'unknown' ? dedupe(parts.missing ?? []) : [] };
  if (noteText) t.note = noteText;
  if (parts.detail) t.detail = parts.detail;
  if (parts.children) t.children = parts.children;
  return t;
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

function combine(kind: string, outcome: Outcome, children: Trace[], noteText?: string, detail?: Trace['detail']): Trace {
  const missing = outcome === 'unknown' ? children.filter((c) => c.outcome === 'unknown').flatMap((c) => c.missing) : [];
  return node(kind, outcome, { children, missing, ...(detail ? { detail } : {}) }, noteText);
}

/** Where a field lives: a bare name inside a record quantifier is a field of the current record. */
function resolve(ctx: Ctx, field: string): { value: unknown; path: string; label: string; unit?: string } {
  if (ctx.scope && !field.includes('.')) {
    const def = recordItemField(ctx.dict, ctx.scope.records, field);
    const value = Object.hasOwn(ctx.scope.item, field) ? ctx.scope.item[field] : undefined;
    const unit = def && 'unit' in def ? def.unit : undefined;
    return { value, path: `${ctx.scope.records}[${ctx.scope.index}].${field}`, label: def?.label ?? field, ...(unit ? { unit } : {}) };
  }
  const def = ctx.dict.fields.get(field);
  const unit = def && 'unit' in def ? def.unit : undefined;
  return { value: getPath(ctx.patient, field), path: field, label: def?.label ?? field, ...(unit ? { unit } : {}) };
}

function refDate(ctx: Ctx, name: ReferenceDateName): string | undefined {
  return ctx.dates[name];
}

function missingRef(kind: string, name: ReferenceDateName, c: { note?: string | undefined }, facts: Fact[] = []): Trace {
  return node(kind, 'unknown', { missing: [REF_PATH(name)], facts, detail: { noReferenceDate: name } }, c.note);
}

function cmp(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
    default: throw new Error(`unknown operator ${op}`);
  }
}

/** Labels that depend only on the rule (and dictionary), computed once per rule node. */
const staticLabels = new WeakMap<object, string>();

function valuesLabel(ctx: Ctx, c: { field: string; values: string[] }): string {
  let label = staticLabels.get(c);
  if (label === undefined) {
    label = c.values.map((v) => enumDisplay(ctx, c.field, v)).join(', ');
    staticLabels.set(c, label);
  }
  return label;
}

function durationLabel(d: Parameters<typeof formatDuration>[0]): string {
  let label = staticLabels.get(d);
  if (label === undefined) {
    label = formatDuration(d);
    staticLabels.set(d, label);
  }
  return label;
}

function enumDisplay(ctx: Ctx, field: string, v: string): string {
  const def = ctx.scope && !field.includes('.') ? recordItemField(ctx.dict, ctx.scope.records, field) : ctx.dict.fields.get(field);
  return def && (def.type === 'enum' || def.type === 'enumList') ? enumLabel(def.values, v) : v;
}

export function evaluateCondition(c: Condition, ctx: Ctx): Trace {
  // One small function per kind: each sees a single node shape, which V8 optimises far better
  // than one large switch reading every kind's properties.
  switch (c.kind) {
    case 'all':
      return evalAll(c, ctx);
    case 'any':
      return evalAny(c, ctx);
    case 'not':
      return evalNot(c, ctx);
    case 'atLeast':
      return evalAtLeast(c, ctx);
    case 'compare':
      return evalCompare(c, ctx);
    case 'is':
      return evalIs(c, ctx);
    case 'in':
      return evalIn(c, ctx);
    case 'includesAny':
      return evalIncludesAny(c, ctx);
    case 'labUln':
      return evalLabUln(c, ctx);
    case 'age':
      return evalAge(c, ctx);
    case 'dateWithin':
      return evalDateWithin(c, ctx);
    case 'interval':
      return evalInterval(c, ctx);
    case 'known':
      return evalKnown(c, ctx);
    case 'exists':
    case 'forAll':
    case 'count':
      return evaluateQuantifier(c, ctx);
    case 'ongoing':
    case 'takenFor':
    case 'stableDose':
    case 'lastDoseWithin':
      return evaluateMedication(c, ctx);
    case 'review':
      return evaluateReview(c, ctx);
    case 'ref':
      return evalRef(c, ctx);
    case 'calc':
      return evalCalc(c, ctx);
  }
}

function evalAll(c: Extract<Condition, { kind: 'all' }>, ctx: Ctx): Trace {
  const children = c.of.map((x) => evaluateCondition(x, ctx));
  return combine('all', and(children.map((t) => t.outcome)), children, c.note);
}

function evalAny(c: Extract<Condition, { kind: 'any' }>, ctx: Ctx): Trace {
  const children = c.of.map((x) => evaluateCondition(x, ctx));
  return combine('any', or(children.map((t) => t.outcome)), children, c.note);
}

function evalNot(c: Extract<Condition, { kind: 'not' }>, ctx: Ctx): Trace {
  const child = evaluateCondition(c.of, ctx);
  return combine('not', not(child.outcome), [child], c.note);
}

function evalAtLeast(c: Extract<Condition, { kind: 'atLeast' }>, ctx: Ctx): Trace {
  const children = c.of.map((x) => evaluateCondition(x, ctx));
  const met = children.filter((t) => t.outcome === 'met').length;
  return combine('atLeast', atLeast(c.n, children.map((t) => t.outcome)), children, c.note, { n: c.n, of: children.length, metCount: met });
}

function evalCompare(c: Extract<Condition, { kind: 'compare' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const threshold = c.value as number;
  const detail = { op: c.op, threshold, unit: c.unit ?? r.unit ?? null, ...(c.scaleMax ? { scaleMax: c.scaleMax } : {}) };
  if (r.value === undefined || r.value === null) return node('compare', 'unknown', { missing: [r.path], facts: [fact(r, null)], detail }, c.note);
  if (c.scaleMax !== undefined) {
    const s = r.value as { score?: number; max?: number };
    if (typeof s.score !== 'number') return node('compare', 'unknown', { missing: [`${r.path}.score`], detail, facts: [] }, c.note);
    const f: Fact = { field: r.path, label: r.label, value: s.score, unit: `/${s.max}` };
    if (s.max !== c.scaleMax) {
      return node('compare', 'unknown', { missing: [`${r.path} (on the 0–${c.scaleMax} scale)`], facts: [f], detail: { ...detail, scaleMismatch: true } }, c.note);
    }
    return node('compare', fromBoolean(cmp(c.op, s.score, threshold)), { facts: [f], detail }, c.note);
  }
  const value = r.value as number;
  return node('compare', fromBoolean(cmp(c.op, value, threshold)), { facts: [fact(r, value)], detail }, c.note);
}

function evalIs(c: Extract<Condition, { kind: 'is' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const detail = { expected: c.value };
  if (typeof r.value !== 'boolean') return node('is', 'unknown', { missing: [r.path], facts: [fact(r, null)], detail }, c.note);
  return node('is', fromBoolean(r.value === c.value), { facts: [fact(r, r.value)], detail }, c.note);
}

function evalIn(c: Extract<Condition, { kind: 'in' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const detail = { values: valuesLabel(ctx, c) };
  if (typeof r.value !== 'string') return node('in', 'unknown', { missing: [r.path], facts: [fact(r, null)], detail }, c.note);
  return node('in', fromBoolean(c.values.includes(r.value)), { facts: [fact(r, enumDisplay(ctx, c.field, r.value))], detail }, c.note);
}

function evalIncludesAny(c: Extract<Condition, { kind: 'includesAny' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const detail = { values: valuesLabel(ctx, c) };
  if (!Array.isArray(r.value)) return node('includesAny', 'unknown', { missing: [r.path], facts: [fact(r, null)], detail }, c.note);
  const list = r.value as string[];
  const hits = list.filter((v) => c.values.includes(v));
  return node('includesAny', fromBoolean(hits.length > 0), { facts: [fact(r, list.map((v) => enumDisplay(ctx, c.field, v)))], detail: { ...detail, matched: hits.map((v) => enumDisplay(ctx, c.field, v)).join(', ') } }, c.note);
}

function evalLabUln(c: Extract<Condition, { kind: 'labUln' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const lab = r.value as { value?: number; uln?: number; unit?: string; date?: string; original?: { value: number; uln: number; unit: string } } | undefined;
  const detail: Trace['detail'] = { op: c.op, times: c.times };
  if (!lab || typeof lab.value !== 'number') return node('labUln', 'unknown', { missing: [`${r.path}.value`], facts: [fact(r, null)], detail }, c.note);
  if (typeof lab.uln !== 'number' || lab.uln <= 0) return node('labUln', 'unknown', { missing: [`${r.path}.uln`], facts: [{ field: `${r.path}.value`, label: r.label, value: lab.value, unit: lab.unit ?? '' }], detail }, c.note);
  const ratio = lab.value / lab.uln;
  const facts: Fact[] = [
    { field: `${r.path}.value`, label: r.label, value: lab.value, unit: lab.unit ?? '' },
    { field: `${r.path}.uln`, label: `${r.label} ULN`, value: lab.uln, unit: lab.unit ?? '' },
  ];
  if (c.within) {
    // Only a recent enough result counts as evidence; an undated or older one leaves this open.
    // `through`: the window runs on past the `before` date up to this one (e.g. labs drawn at screening, after consent).
    const ref = refDate(ctx, c.before ?? 'screening');
    const end = c.through ? refDate(ctx, c.through) : ref;
    const windowDetail = { ...detail, within: durationLabel(c.within), before: c.before ?? 'screening', ...(c.through ? { through: c.through } : {}), date: lab.date ?? null };
    const refsMissing = [...(ref ? [] : [REF_PATH(c.before ?? 'screening')]), ...(c.through && !end ? [REF_PATH(c.through)] : [])];
    if (!ref || !end) return node('labUln', 'unknown', { missing: refsMissing, facts, detail: windowDetail }, c.note);
    const from = shift(ref, c.within, -1);
    const to = compareDates(end, ref) > 0 ? end : ref;
    if (!lab.date) return node('labUln', 'unknown', { missing: [`${r.path}.date`], facts, detail: { ...windowDetail, from, to } }, c.note);
    if (compareDates(lab.date, from) < 0 || compareDates(lab.date, to) > 0) {
      return node('labUln', 'unknown', { missing: [`${r.path} (a result from ${from} to ${to})`], facts, detail: { ...windowDetail, from, to, outOfWindow: true } }, c.note);
    }
  }
  // Compare value against times × ULN without dividing, both rounded to 12 significant digits,
  // so boundaries are exact also after unit conversion (1.56 µkat/L × 60 = 93.6 U/L, not 93.6000…1).
  const limit = Number((c.times * lab.uln).toPrecision(12));
  const ok = cmp(c.op, Number(lab.value.toPrecision(12)), limit);
  return node('labUln', fromBoolean(ok), { facts, detail: { ...detail, ratio: Number(ratio.toFixed(2)), limit, date: lab.date ?? null } }, c.note);
}

function evalAge(c: Extract<Condition, { kind: 'age' }>, ctx: Ctx): Trace {
  const on = refDate(ctx, c.at);
  const birth = getPath(ctx.patient, 'demographics.birthDate');
  const detail = { op: c.op, years: c.years, at: c.at };
  const facts: Fact[] = typeof birth === 'string' ? [{ field: 'demographics.birthDate', label: fieldLabel(ctx.dict, 'demographics.birthDate'), value: birth }] : [];
  const missing = [...(typeof birth === 'string' ? [] : ['demographics.birthDate']), ...(on ? [] : [REF_PATH(c.at)])];
  if (typeof birth !== 'string' && on) {
    const stated = statedAge(ctx);
    if (stated) {
      // Every birth date that fits the stated age: decided only when they all give the same answer.
      const low = ageInYears(stated.latestBirth, on);
      const high = ageInYears(stated.earliestBirth, on);
      const outcome = countCompare(low, high, (n) => cmp(c.op, n, c.years));
      return node('age', outcome, { missing, facts: stated.facts, detail: { ...detail, on, ageLow: low, ageHigh: high, statedAge: stated.years, statedOn: stated.on } }, c.note);
    }
  }
  if (missing.length || !on || typeof birth !== 'string') return node('age', 'unknown', { missing, facts, detail }, c.note);
  const age = ageInYears(birth, on);
  return node('age', fromBoolean(cmp(c.op, age, c.years)), { facts, detail: { ...detail, age, on } }, c.note);
}

/** An age stated on a date without a birth date: the range of birth dates it allows. */
function statedAge(ctx: Ctx): { years: number; on: string; earliestBirth: string; latestBirth: string; facts: Fact[] } | undefined {
  const years = getPath(ctx.patient, 'demographics.ageYears');
  const on = getPath(ctx.patient, 'demographics.ageOn');
  if (typeof years !== 'number' || typeof on !== 'string') return undefined;
  return {
    years,
    on,
    // Aged `years` on `on`: born after on − (years + 1) and on or before on − years.
    earliestBirth: shift(shift(on, { years: years + 1 }, -1), { days: 1 }, 1),
    latestBirth: shift(on, { years }, -1),
    facts: [
      { field: 'demographics.ageYears', label: fieldLabel(ctx.dict, 'demographics.ageYears'), value: years },
      { field: 'demographics.ageOn', label: fieldLabel(ctx.dict, 'demographics.ageOn'), value: on },
    ],
  };
}

function evalDateWithin(c: Extract<Condition, { kind: 'dateWithin' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const ref = refDate(ctx, c.before);
  const facts = typeof r.value === 'string' ? [fact(r, r.value)] : [];
  const missing = [...(typeof r.value === 'string' ? [] : [r.path]), ...(ref ? [] : [REF_PATH(c.before)])];
  const detail = { within: durationLabel(c.within), before: c.before };
  if (missing.length || !ref || typeof r.value !== 'string') return node('dateWithin', 'unknown', { missing, facts, detail }, c.note);
  const from = shift(ref, c.within, -1);
  const ok = compareDates(r.value, from) >= 0 && compareDates(r.value, ref) <= 0;
  return node('dateWithin', fromBoolean(ok), { facts, detail: { ...detail, from, to: ref } }, c.note);
}

function evalInterval(c: Extract<Condition, { kind: 'interval' }>, ctx: Ctx): Trace {
  const ends = (['from', 'to'] as const).map((side) => {
    const operand = c[side];
    if ('ref' in operand) {
      const d = refDate(ctx, operand.ref);
      return { date: d, path: REF_PATH(operand.ref), label: `${operand.ref} date` };
    }
    const r = resolve(ctx, operand.field);
    return { date: typeof r.value === 'string' ? r.value : undefined, path: r.path, label: r.label };
  });
  const [a, b] = ends as [{ date?: string; path: string; label: string }, { date?: string; path: string; label: string }];
  const facts: Fact[] = ends.filter((e) => e.date).map((e) => ({ field: e.path, label: e.label, value: e.date as string }));
  const detail = { op: c.op, duration: durationLabel(c.duration), absolute: c.absolute };
  const missing = ends.filter((e) => !e.date).map((e) => e.path);
  if (!a.date || !b.date) return node('interval', 'unknown', { missing, facts, detail }, c.note);
  let [start, end] = [a.date, b.date];
  if (c.absolute && compareDates(start, end) > 0) [start, end] = [end, start];
  // elapsed OP duration  <=>  end OP start + duration (calendar arithmetic).
  const boundary = shift(start, c.duration, 1);
  const elapsedDays = toDayNumber(end) - toDayNumber(start);
  const ok = cmp(c.op, toDayNumber(end), toDayNumber(boundary));
  return node('interval', fromBoolean(ok), { facts, detail: { ...detail, elapsedDays, boundary } }, c.note);
}

function evalKnown(c: Extract<Condition, { kind: 'known' }>, ctx: Ctx): Trace {
  const r = resolve(ctx, c.field);
  const known = r.value !== undefined && r.value !== null;
  return node('known', fromBoolean(known), { facts: known ? [fact(r, display(r.value))] : [{ field: r.path, label: r.label, value: null }] }, c.note);
}

function evalRef(c: Extract<Condition, { kind: 'ref' }>, ctx: Ctx): Trace {
  const def = own(ctx.trial.definitions, c.definition);
  if (!def || ctx.expanding.includes(c.definition)) throw new Error(`definition ${c.definition} is missing or cyclic`);
  const child = evaluateCondition(def.rule, { ...ctx, expanding: [...ctx.expanding, c.definition] });
  return combine('ref', child.outcome, [child], c.note, { definition: c.definition, description: def.description });
}

function evalCalc(c: Extract<Condition, { kind: 'calc' }>, ctx: Ctx): Trace {
  const calc = own(CALCULATORS, c.calculator);
  if (!calc) throw new Error(`unknown calculator ${c.calculator}`);
  const r = calc.evaluate({ get: (p) => getPath(ctx.patient, p), referenceDate: (n) => refDate(ctx, n) }, c.params ?? {});
  return node('calc', r.outcome, { facts: r.facts, missing: r.missing, detail: { calculator: c.calculator, description: calc.description, ...(r.detail ?? {}) } }, c.note);
}

function display(v: unknown): Fact['value'] {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return JSON.stringify(v);
}

function fact(r: { path: string; label: string; unit?: string }, value: Fact['value']): Fact {
  return { field: r.path, label: r.label, value, ...(r.unit ? { unit: r.unit } : {}) };
}

function evaluateQuantifier(c: Extract<Condition, { kind: 'exists' | 'forAll' | 'count' }>, ctx: Ctx): Trace {
  const list = getPath(ctx.patient, c.records);
  const label = fieldLabel(ctx.dict, c.records);
  if (!Array.isArray(list)) {
    return node(c.kind, 'unknown', { missing: [c.records], facts: [{ field: c.records, label, value: null }], detail: { records: c.records, ...(c.kind === 'count' ? { op: c.op, n: c.n } : {}) } }, c.note);
  }
  const perItem = list.map((item, index) => {
    const scoped: Ctx = { ...ctx, scope: { records: c.records, index, item: item as Record<string, unknown> } };
    const where = c.where ? evaluateCondition(c.where, scoped) : undefined;
    const check = c.kind === 'forAll' ? evaluateCondition(c.check, scoped) : undefined;
    return { index, where, check, name: itemName(ctx.dict, c.records, item as Record<string, unknown>, index) };
  });
  const children: Trace[] = perItem.map((p) => {
    const parts = [p.where, p.check].filter((t): t is Trace => t !== undefined);
    let outcome: Outcome;
    if (c.kind === 'forAll') {
      // (where -> check) == not(where) or check
      outcome = p.where ? or([not(p.where.outcome), (p.check as Trace).outcome]) : (p.check as Trace).outcome;
    } else {
      outcome = p.where ? p.where.outcome : 'met';
    }
    const applies = p.where ? p.where.outcome : 'met';
    return combine('item', outcome, parts, undefined, { item: p.name, index: p.index, applies });
  });
  // A list not confirmed complete may lack records: they stand in as one unknown item, so a
  // recorded match still decides and the absence of one stays unknown (Kleene).
  const incomplete = listIncomplete(ctx.patient, c.records) && !olderOnlyCannotMatch(c, ctx);
  if (incomplete) children.push(unrecordedItem(c.records, label));
  const outcomes = children.map((t) => t.outcome);
  const since = ctx.patient.completeness?.[c.records]?.since;
  const detail: Trace['detail'] = { records: c.records, label, total: list.length, ...(incomplete ? { complete: false } : {}), ...(since ? { completeSince: since } : {}) };
  if (c.kind === 'exists') return combine('exists', or(outcomes), children, c.note, detail);
  if (c.kind === 'forAll') return combine('forAll', and(outcomes), children, c.note, detail);
  const low = outcomes.filter((o) => o === 'met').length;
  // Any number of unrecorded records may match: beyond n + 1 no comparison with n changes.
  const high = low + outcomes.filter(isOpen).length;
  const outcome = countCompare(low, incomplete ? Math.max(high, c.n + 1) : high, (n) => cmp(c.op, n, c.n), openOf(outcomes));
  return combine('count', outcome, children, c.note, { ...detail, op: c.op, n: c.n, low, high: incomplete ? null : high });
}

/**
 * The list may lack records: `complete: false`, or complete only `since` a date (records dated
 * earlier may be missing). No entry: a present list is complete.
 */
function listIncomplete(patient: PatientRecord, records: string): boolean {
  const entry = patient.completeness?.[records];
  return entry !== undefined && entry !== null && (entry.complete === false || typeof entry.since === 'string');
}

/**
 * For a list complete since a date ("no MRI in the last 3 months"): true when no record dated
 * before that date could satisfy the `where`. Decided on a stand-in record dated the day before,
 * and only when the rule reads the date solely through date windows ending at a reference date
 * (not negated): then an earlier record falls outside every window the stand-in falls outside.
 */
function olderOnlyCannotMatch(c: Extract<Condition, { kind: 'exists' | 'forAll' | 'count' }>, ctx: Ctx): boolean {
  const since = ctx.patient.completeness?.[c.records]?.since;
  const def = ctx.dict.fields.get(c.records);
  const dated = def?.type === 'records' ? def.dated : undefined;
  if (typeof since !== 'string' || !dated || !c.where || !readsDateOnlyInWindows(c.where, dated, false)) return false;
  const standIn = { [dated]: shift(since, { days: 1 }, -1) };
  const where = evaluateCondition(c.where, { ...ctx, reviews: [], scope: { records: c.records, index: -1, item: standIn } });
  return where.outcome === 'not_met';
}

function readsDateOnlyInWindows(c: Condition, field: string, negated: boolean): boolean {
  switch (c.kind) {
    case 'all':
    case 'any':
    case 'atLeast':
      return c.of.every((x) => readsDateOnlyInWindows(x, field, negated));
    case 'not':
      return readsDateOnlyInWindows(c.of, field, !negated);
    case 'dateWithin':
      return c.field !== field || !negated;
    case 'ref':
    case 'calc':
      return false;
    default:
      return !JSON.stringify(c).includes(`"${field}"`);
  }
}

function unrecordedItem(records: string, label: string): Trace {
  const path = completenessPath(records);
  return node('unrecorded', 'unknown', { missing: [path], facts: [{ field: `${path}.complete`, label: `${label} list confirmed complete`, value: false }], detail: { records, label } });
}

function itemName(dict: Dictionary, records: string, item: Record<string, unknown>, index: number): string {
  for (const key of ['drug', 'type', 'name', 'test']) {
    const v = item[key];
    if (typeof v === 'string') {
      const other = typeof item.otherName === 'string' ? ` (${item.otherName})` : '';
      const def = recordItemField(dict, records, key);
      return `${def && def.type === 'enum' ? enumLabel(def.values, v) : v}${other}`;
    }
  }
  return `#${index + 1}`;
}

type Medication = { start?: string; stop?: string; ongoing?: boolean; doses?: { date: string; dose?: number; unit?: string }[] };

function evaluateMedication(c: Extract<Condition, { kind: 'ongoing' | 'takenFor' | 'stableDose' | 'lastDoseWithin' }>, ctx: Ctx): Trace {
  const scope = ctx.scope as Scope;
  const med = scope.item as Medication;
  const base = `${scope.records}[${scope.index}]`;
  const refName = c.kind === 'ongoing' ? c.at : c.before;
  const ref = refDate(ctx, refName);
  const facts: Fact[] = [];
  if (med.start) facts.push({ field: `${base}.start`, label: 'start', value: med.start });
  if (med.stop) facts.push({ field: `${base}.stop`, label: 'last dose', value: med.stop });
  else if (med.ongoing === true) facts.push({ field: `${base}.ongoing`, label: 'ongoing', value: true });
  if (!ref) return missingRef(c.kind, refName, c, facts);
  const missing: string[] = [];

  // Is the drug being taken on `date`? met / not_met / unknown (stop date not recorded).
  const takenOn = (date: string): Outcome => medicationTakenOn(med, date);
  if (!med.start) missing.push(`${base}.start`);
  if (!med.stop && med.ongoing !== true) missing.push(`${base}.stop`);

  switch (c.kind) {
    case 'ongoing': {
      const o = takenOn(ref);
      // continuing: a recorded last dose (even a planned one on or after the date) means it ends.
      if (c.continuing && o === 'met' && med.ongoing !== true) {
        return node('ongoing', 'not_met', { facts, detail: { at: c.at, date: ref, continuing: true, ends: med.stop ?? null } }, c.note);
      }
      return node('ongoing', o, { facts, missing, detail: { at: c.at, date: ref, ...(c.continuing ? { continuing: true } : {}) } }, c.note);
    }
    case 'takenFor': {
      const since = shift(ref, c.atLeast, -1);
      const detail = { atLeast: durationLabel(c.atLeast), before: c.before, since, date: ref };
      const startedInTime: Outcome = med.start ? fromBoolean(compareDates(med.start, since) <= 0) : 'unknown';
      return node('takenFor', and([startedInTime, takenOn(ref)]), { facts, missing, detail }, c.note);
    }
    case 'lastDoseWithin': {
      const from = shift(ref, c.within, -1);
      const detail = { within: durationLabel(c.within), before: c.before, from, date: ref };
      if (med.start && compareDates(med.start, ref) > 0) return node('lastDoseWithin', 'not_met', { facts, detail: { ...detail, notYetStarted: true } }, c.note);
      if (med.stop) return node('lastDoseWithin', fromBoolean(compareDates(med.stop, from) >= 0), { facts, detail }, c.note);
      if (med.ongoing === true) return node('lastDoseWithin', 'met', { facts, detail }, c.note);
      return node('lastDoseWithin', 'unknown', { facts, missing: [`${base}.stop`], detail }, c.note);
    }
    case 'stableDose': {
      const since = shift(ref, c.for, -1);
      const detail: Trace['detail'] = { for: durationLabel(c.for), before: c.before, since, date: ref };
      const doses = Array.isArray(med.doses) ? [...med.doses].sort((x, y) => compareDates(x.date, y.date)) : undefined;
      if (!med.start) return node('stableDose', 'unknown', { facts, missing: [`${base}.start`], detail }, c.note);
      if (compareDates(med.start, since) > 0) return node('stableDose', 'not_met', { facts, detail: { ...detail, startedInWindow: true } }, c.note);
      if (!doses || doses.length === 0) return node('stableDose', 'unknown', { facts, missing: [`${base}.doses`], detail }, c.note);
      const before = doses.filter((d) => compareDates(d.date, since) <= 0);
      const inWindow = doses.filter((d) => compareDates(d.date, since) > 0 && compareDates(d.date, ref) <= 0);
      const current = before[before.length - 1];
      if (!current) return node('stableDose', 'unknown', { facts, missing: [`${base}.doses (dose on ${since})`], detail }, c.note);
      const doseFacts: Fact[] = [{ field: `${base}.doses`, label: `dose from ${current.date}`, value: current.dose ?? null, ...(current.unit ? { unit: current.unit } : {}) }];
      // Doses written in different units (or one without a unit) cannot be compared: never call that a change.
      const incomparable = inWindow.find((d) => (d.unit ?? '') !== (current.unit ?? ''));
      if (incomparable) {
        doseFacts.push({ field: `${base}.doses`, label: `dose from ${incomparable.date}`, value: incomparable.dose ?? null, ...(incomparable.unit ? { unit: incomparable.unit } : {}) });
        return node('stableDose', 'unknown', { facts: [...facts, ...doseFacts], missing: [`${base}.doses (every dose in the same unit)`], detail: { ...detail, unitMismatchOn: incomparable.date } }, c.note);
      }
      // A dose entry without an amount ("unchanged since" a date) cannot be compared with another amount.
      const change = inWindow.find((d) => d.dose !== undefined && current.dose !== undefined && d.dose !== current.dose);
      if (change) {
        doseFacts.push({ field: `${base}.doses`, label: `dose from ${change.date}`, value: change.dose ?? null, ...(change.unit ? { unit: change.unit } : {}) });
        return node('stableDose', 'not_met', { facts: [...facts, ...doseFacts], detail: { ...detail, changedOn: change.date } }, c.note);
      }
      const unknownAmount = inWindow.find((d) => d.dose === undefined || current.dose === undefined);
      if (unknownAmount) {
        return node('stableDose', 'unknown', { facts: [...facts, ...doseFacts], missing: [`${base}.doses (amount of the dose from ${unknownAmount.dose === undefined ? unknownAmount.date : current.date})`], detail }, c.note);
      }
      const stillTaking = takenOn(ref);
      return node('stableDose', stillTaking, { facts: [...facts, ...doseFacts], missing: stillTaking === 'unknown' ? [`${base}.stop`] : [], detail }, c.note);
    }
  }
}

function evaluateReview(c: Extract<Condition, { kind: 'review' }>, ctx: Ctx): Trace {
  const decision: ReviewDecision | undefined = own(own(ctx.patient.reviews, ctx.trial.meta.id), c.id);
  const meanings = { ...(c.yesMeans ? { yesMeans: c.yesMeans } : {}), ...(c.noMeans ? { noMeans: c.noMeans } : {}) };
  const item: ReviewItem = { trial: ctx.trial.meta.id, criterion: ctx.criterionId, id: c.id, by: c.by, question: c.question, status: 'open', ...meanings };
  const detail: Trace['detail'] = { id: c.id, trial: ctx.trial.meta.id, by: c.by, question: c.question, ...meanings, ...(c.listWhileOpen ? { listWhileOpen: true } : {}) };
  if (!decision) {
    ctx.reviews.push(item);
    return node('review', 'needs_review', { detail }, c.note);
  }
  item.status = decision.decision === 'yes' ? 'confirmed' : 'rejected';
  item.decidedBy = decision.by;
  item.decidedOn = decision.date;
  if (decision.note) item.note = decision.note;
  ctx.reviews.push(item);
  return node('review', fromBoolean(decision.decision === 'yes'), {
    detail: { ...detail, decision: decision.decision, decidedBy: decision.by, decidedOn: decision.date, ...(decision.note ? { reviewNote: decision.note } : {}) },
  }, c.note);
}
