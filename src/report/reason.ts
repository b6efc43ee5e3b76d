// The deciding facts of a criterion, as data: which values (field, value, unit), compared with
// which threshold, in which date window, decided it, or which data and decisions it still needs.
// Built from the evaluation trace, so every report format (text, JSON, HTML, PDF) states the same
// facts; words for them are in reason-words.ts.
import { classificationClasses } from '../engine/calculators/bohan-peter.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Outcome } from '../engine/logic.js';
import type { CriterionResult, Fact, Missing, ScreeningResult, Trace } from '../engine/result.js';
import { decisionMeaning, decisiveChildren, describeNode } from './describe.js';
import { andList, chainWords, stoppedCourseWords, factData, factLabel, itemWords } from './fact-words.js';
import { missingPhrase } from './missing-label.js';
import { missingText, missingWords } from './missing-words.js';
import { detailOf } from './trace-detail.js';
import { sideFromOutcome } from './precise-number.js';

/** What the rule asks of the value: `needs` (it must hold for the criterion to pass) or `excludes` (it fails the criterion). */
export type Sense = 'needs' | 'excludes';

export type ReasonThreshold = {
  op: string;
  /** The number, yes/no, or list of values the rule compares with. */
  value: number | boolean | string;
  unit?: string;
  /** For "× ULN" rules: the multiple of the lab's upper limit of normal. */
  timesUln?: number;
  /** The scale a score is on (MMT-8: 150 or 80). */
  scaleMax?: number;
};

export type ReasonWindow = { from?: string; to?: string; reference?: string; length?: string };

export type ReasonFact = {
  /** The rule kind the fact comes from (compare, labUln, dateWithin, records, review...). */
  kind: string;
  /** That part of the rule's own outcome (the criterion's effect is on the reason). */
  outcome: Outcome;
  sense: Sense;
  /** The list item (a drug, a malignancy) the fact is about. */
  record?: string;
  /** How the protocol describes this part, when the criteria file says. */
  note?: string;
  field?: string;
  /** The file's other records joined into the one `field` names (its value may be theirs). */
  joinedWith?: number[];
  label: string;
  /** null: not recorded. */
  value: string | number | boolean | string[] | null;
  unit?: string;
  date?: string;
  /** labUln: the lab's upper limit of normal and value / ULN (not rounded). */
  uln?: number;
  ratio?: number;
  /** The engine's comparison, value − threshold, as a sign: the display never contradicts it. */
  side?: -1 | 0 | 1;
  threshold?: ReasonThreshold;
  window?: ReasonWindow;
  /** For lists: how many records, and their names. */
  records?: string[];
  /** review: who recorded the decision (its date is `date`) and what the answer means. */
  decidedBy?: string;
  meaning?: string;
  /** records ("each of"): the records the rule's filter leaves out (it does not apply to them). */
  notConcerned?: string[];
  /** records: false when the list is not confirmed complete (records may be missing). */
  complete?: boolean;
  /** A free description: a review's question, a calculator's result, a dose change, a recorded choice's label. */
  text?: string;
};

export type Reason = {
  effect: CriterionResult['effect'];
  outcome: Outcome;
  facts: ReasonFact[];
  /** What an open criterion still needs, each worded for people in `label`. */
  missing: (Missing & { label: string })[];
  reviews: { id: string; by: string; question: string; status: 'open' | 'confirmed' | 'rejected'; decidedBy?: string; decidedOn?: string }[];
};

type Labels = (m: Missing) => string;

/** The reason for every criterion of a result, its missing entries worded with the labels the result gives them. */
export function reasonsOf(result: ScreeningResult, dict?: Dictionary): Reason[] {
  const labels = new Map(result.missing.map((m) => [missingText(m), missingPhrase(m, dict)]));
  return result.criteria.map((c) => reasonOf(c, (m) => labels.get(missingText(m)) ?? missingPhrase(m, dict)));
}

export function reasonOf(c: CriterionResult, label: Labels = (m) => missingWords(m)): Reason {
  const base = c.type === 'exclusion' ? 'excludes' : 'needs';
  // An open criterion is explained by what it still needs; a decided one by the facts that decided it.
  const facts = c.effect === 'open' ? [] : collect(c.trace, base, undefined, c.effect === 'fails');
  return {
    effect: c.effect,
    outcome: c.outcome,
    facts,
    missing: c.missing.map((m) => ({ ...m, label: label(m) })),
    reviews: c.review.map((r) => ({
      id: r.id,
      by: r.by,
      question: r.question,
      status: r.status,
      ...(r.decidedBy ? { decidedBy: r.decidedBy } : {}),
      ...(r.decidedOn ? { decidedOn: r.decidedOn } : {}),
    })),
  };
}

const flip = (s: Sense): Sense => (s === 'needs' ? 'excludes' : 'needs');
type ListTrace = Extract<Trace, { kind: 'exists' | 'forAll' | 'count' }>;
type ItemTrace = Extract<Trace, { kind: 'item' }>;
const isList = (t: Trace): t is ListTrace => t.kind === 'exists' || t.kind === 'forAll' || t.kind === 'count';

/**
 * `fails`: the criterion fails (then a list that every record decides says why each record does).
 * `whyNot`: the facts of a record that does not count, where its drug or class is the reason, not
 * a name for the record.
 */
function collect(t: Trace, sense: Sense, record: string | undefined, fails: boolean, whyNot = false): ReasonFact[] {
  if (t.kind === 'not') return (t.children ?? []).flatMap((c) => collect(c, flip(sense), record, fails, whyNot));
  if (isList(t)) return recordFacts(t, sense, fails);
  if (t.kind === 'item') {
    const name = t.detail ? itemWords(t.detail) : (record ?? '');
    const facts = itemParts(t).flatMap((c) => collect(c, sense, name, fails, whyNot));
    // Why a record does not count: every fact, but that a date is not recorded where a value
    // says more ("started 2026-10-01, needs started by 2026-08-16" beside "last dose: not
    // recorded" on a drug still taken).
    if (whyNot) {
      const valued = facts.filter((f) => !(f.kind === 'known' && f.value === null));
      return valued.length ? valued : facts;
    }
    // "Prednisone: Drug class: Corticosteroid" only says which records count, and "Date of last
    // dose: recorded" only that a date the record's other facts compare is there; keep them when
    // they are all there is.
    const telling = facts.filter((f) => !(f.kind === 'in' && /\.(drug|class)$/.test(f.field ?? '')));
    const compared = telling.filter((f) => f.kind !== 'known');
    return compared.length ? compared : telling.length ? telling : facts;
  }
  const children = t.children ?? [];
  if (t.kind === 'atLeast' && (t.outcome === 'met' || t.outcome === 'not_met')) {
    // Enough met (or too few possible): the parts on the deciding side say why.
    const side = children.filter((c) => c.outcome === t.outcome);
    return [{ kind: 'atLeast', outcome: t.outcome, sense, label: t.note ?? 'parts met', value: Number(t.detail?.metCount), threshold: { op: '>=', value: Number(t.detail?.n) }, text: `of ${t.detail?.of}` }, ...side.flatMap((c) => collect(c, sense, record, fails, whyNot))];
  }
  if (children.length && !['review', 'calc'].includes(t.kind)) {
    // Below a part that fails every way it could ("any of", none met), a list's records are not
    // explained one by one: each way's facts read alone as a requirement ("needs one of
    // Rituximab, IVIG …" for a drug that could also have been methotrexate).
    return decisiveChildren(t, children).flatMap((c) => collect(c, sense, record, fails && !failsEveryWay(t), whyNot));
  }
  const fact = leafFact(t, sense, record);
  // "Rituximab: Drug: Rituximab" says nothing the record's name does not (but "Hydroxychloroquine:
  // Drug: Hydroxychloroquine, needs one of …" says why it does not count).
  if (record && !whyNot && (t.kind === 'in' || t.kind === 'is') && fact.value === record) return [];
  return [fact];
}

/** The record items of a list node (not the stand-in for records not entered yet). */
function items(t: Trace): ItemTrace[] {
  return (t.children ?? []).filter((c): c is ItemTrace => c.kind === 'item');
}

function names(t: Trace): string[] {
  return items(t).map((c) => (c.detail ? itemWords(c.detail) : ''));
}

/** A list: one fact for "none recorded", or the count of "none of them" with each record's own facts, else the facts of the records that decide. */
function recordFacts(t: ListTrace, sense: Sense, fails: boolean): ReasonFact[] {
  const d = detailOf(t);
  const label = String(d.label ?? (t.facts[0] ? factLabel(t.facts[0]) : undefined) ?? d.records ?? 'records');
  const base: ReasonFact = { kind: 'records', outcome: t.outcome, sense, field: String(d.records ?? t.facts[0]?.field ?? ''), label, value: null };
  if (t.note) base.note = t.note;
  if (d.complete === false) base.complete = false;
  if (d.total === undefined) return [base];
  const all = names(t);
  const counted = items(t).filter((c) => c.outcome === 'met').map((c) => (c.detail ? itemWords(c.detail) : ''));
  if (t.kind === 'count') {
    return [{ ...base, kind: 'count', value: Number(d.low), records: counted, threshold: { op: String(d.op), value: Number(d.n) } }];
  }
  const decidedByOne = (t.kind === 'exists' && t.outcome === 'met') || (t.kind === 'forAll' && t.outcome === 'not_met');
  if (all.length === 0 || !decidedByOne) {
    // "Each of them qualifies" is about the records the filter lets through ("every current
    // immunosuppressant is one of the five allowed"): the others are named apart, never as
    // qualifying.
    const left = t.kind === 'forAll' ? items(t).filter((c) => c.detail?.applies === 'not_met') : [];
    const summary: ReasonFact = { ...base, value: all.length - left.length, records: items(t).filter((c) => !left.includes(c)).map((c) => (c.detail ? itemWords(c.detail) : '')) };
    if (left.length) summary.notConcerned = left.map((c) => (c.detail ? itemWords(c.detail) : ''));
    // "None of them matches" / "each of them qualifies" is decided by every record: after the
    // count, each record's own deciding facts say why ("Prednisone: Response to this drug:
    // Responded, needs one of Treatment failure, Intolerance").
    const decidedByAll = (t.kind === 'exists' && t.outcome === 'not_met') || (t.kind === 'forAll' && t.outcome === 'met');
    if (!decidedByAll || !fails) return [summary];
    // (A record that fails in several ways at once is left to the count: see failsEveryWay.)
    const deciding = items(t).filter((c) => c.outcome === t.outcome && !left.includes(c) && !hasAlternatives(c));
    return [summary, ...deciding.flatMap((c) => collect(c, sense, c.detail ? itemWords(c.detail) : '', fails, t.kind === 'exists'))];
  }
  // (A record failing "each of" is one that does not count: its drug is the reason, not its name.)
  const deciding = items(t).filter((c) => c.outcome === t.outcome);
  return deciding.flatMap((c) => collect(c, sense, c.detail ? itemWords(c.detail) : '', fails, t.kind === 'forAll'));
}

/** "Any of" that none of its several parts meets: its parts are alternatives, not requirements. */
function failsEveryWay(t: Trace): boolean {
  const children = t.children ?? [];
  if (t.kind === 'ref') return children.length === 1 && failsEveryWay(children[0] as Trace);
  return t.kind === 'any' && t.outcome === 'not_met' && children.length > 1;
}

/** Whether the part's decisive path (a record's, down to its leaves) holds a part that fails every way it could. */
function hasAlternatives(t: Trace): boolean {
  if (failsEveryWay(t)) return true;
  if (isList(t) || ['review', 'calc'].includes(t.kind)) return false;
  const children = t.children ?? [];
  return (t.kind === 'item' ? itemParts(t as ItemTrace) : decisiveChildren(t, children)).some(hasAlternatives);
}

/** The parts of a record that decide it: [where, check] in "each of" (the check where the filter lets the record through), else its parts on its own side. */
function itemParts(t: ItemTrace): Trace[] {
  const children = t.children ?? [];
  const [where, check] = children;
  return check && where && t.detail?.applies === 'met' ? [check] : children.filter((c) => c.outcome === t.outcome || !check);
}

function fieldOf(f: Fact | undefined): Pick<ReasonFact, 'field' | 'label' | 'value' | 'unit' | 'joinedWith'> {
  if (!f) return { label: 'value', value: null };
  return { field: f.field, label: factLabel(f), value: factData(f), ...(f.unit ? { unit: f.unit } : {}), ...(f.joinedWith ? { joinedWith: f.joinedWith } : {}) };
}

function leafFact(t: Trace, sense: Sense, record: string | undefined): ReasonFact {
  const head: ReasonFact = { kind: t.kind, outcome: t.outcome, sense, ...fieldOf(t.facts[0]), ...(record ? { record } : {}), ...(t.note ? { note: t.note } : {}) };
  switch (t.kind) {
    case 'compare': {
      const d = detailOf(t);
      const threshold: ReasonThreshold = { op: String(d.op), value: Number(d.threshold) };
      if (typeof d.unit === 'string' && d.unit) threshold.unit = d.unit;
      if (typeof d.scaleMax === 'number') threshold.scaleMax = d.scaleMax;
      const out: ReasonFact = { ...head, threshold };
      if (typeof head.value === 'number' && !d.scaleMismatch) out.side = sideFromOutcome(t.outcome, String(d.op), head.value, Number(d.threshold));
      return out;
    }
    case 'is': {
      const d = detailOf(t);
      return { ...head, threshold: { op: '==', value: d.expected !== false } };
    }
    case 'in':
    case 'includesAny': {
      const d = detailOf(t);
      return { ...head, threshold: { op: t.kind === 'in' ? 'in' : 'includesAny', value: String(d.values) } };
    }
    case 'doseUnits': {
      const d = detailOf(t);
      const out: ReasonFact = { ...head, threshold: { op: 'everyDoseIn', value: String(d.units) } };
      if (typeof d.withoutUnit === 'number') out.text = `${d.withoutUnit} without a unit`;
      return out;
    }
    case 'labUln': {
      const d = detailOf(t);
      const value = t.facts[0];
      const uln = t.facts[1];
      const threshold: ReasonThreshold = { op: String(d.op), value: Number(d.times), timesUln: Number(d.times) };
      if (value?.unit) threshold.unit = value.unit;
      const out: ReasonFact = { ...head, threshold };
      if (typeof d.date === 'string') out.date = d.date;
      if (typeof uln?.value === 'number' && typeof value?.value === 'number') {
        out.uln = uln.value;
        out.ratio = value.value / uln.value;
        // The rule compares the value with times × ULN (in the lab's unit); the display shows both.
        if (typeof d.limit === 'number') {
          threshold.value = d.limit;
          out.side = sideFromOutcome(t.outcome, String(d.op), value.value, d.limit);
        }
      }
      if (d.from || d.within) out.window = window(d);
      return out;
    }
    case 'age': {
      const d = detailOf(t);
      const threshold = { op: String(d.op), value: Number(d.years) };
      // Decided from a stated age (no birth date): the ages it allows on the date, and what was stated.
      const stated = typeof d.statedAge === 'number' && typeof d.ageLow === 'number' && typeof d.ageHigh === 'number';
      const out: ReasonFact = stated
        ? { ...head, field: 'demographics.ageYears', label: 'age', value: d.ageLow === d.ageHigh ? Number(d.ageLow) : `${String(d.ageLow)} or ${String(d.ageHigh)}`, unit: 'years', threshold, text: `stated as ${String(d.statedAge)} on ${String(d.statedOn)}; no date of birth` }
        : { ...head, field: 'demographics.birthDate', label: 'age', value: typeof d.age === 'number' ? d.age : null, unit: 'years', threshold };
      if (typeof d.on === 'string') out.date = d.on;
      out.window = { reference: String(d.at), ...(typeof d.on === 'string' ? { to: d.on } : {}) };
      return out;
    }
    case 'dateWithin': {
      const d = detailOf(t);
      return { ...head, window: window(d) };
    }
    case 'known': {
      // A field of choices: the value stays its code, its label is the words.
      const d = detailOf(t);
      return typeof d.shown === 'string' ? { ...head, text: d.shown } : head;
    }
    case 'interval': {
      const d = detailOf(t);
      const out: ReasonFact = { ...head, label: t.facts.map(factLabel).join(' to ') || 'dates', value: t.facts.map((f) => String(f.value)), threshold: { op: String(d.op), value: String(d.duration) } };
      if (typeof d.elapsedDays === 'number') {
        out.unit = 'days apart';
        out.text = `${d.elapsedDays}`;
      }
      if (typeof d.boundary === 'string') out.window = { to: d.boundary };
      return out;
    }
    case 'ongoing':
    case 'takenFor':
    case 'stoppedCourse':
    case 'stableDose':
    case 'lastDoseWithin': {
      return medicationFact(t, head);
    }
    case 'review': {
      const d = detailOf(t);
      return {
        ...head,
        label: String(d.by),
        field: `reviews.${d.trial}.${d.id}`,
        value: typeof d.decision === 'string' ? d.decision : null,
        text: String(d.question),
        ...(typeof d.decidedBy === 'string' ? { decidedBy: d.decidedBy } : {}),
        // What the recorded answer means for the criterion (the criteria file's yesMeans/noMeans).
        ...(typeof d.decision === 'string' ? { meaning: decisionMeaning(d) } : {}),
        ...(typeof d.decidedOn === 'string' ? { date: d.decidedOn } : {}),
      };
    }
    case 'calc': {
      return calcFact(t, head);
    }
    default: {
      return head;
    }
  }
}

/** A calculator's result: the computed value against its threshold where it has one. */
function calcFact(t: Extract<Trace, { kind: 'calc' }>, head: ReasonFact): ReasonFact {
  const d = detailOf(t);
  // The paired-course calculators are used more than once in a criterion, each time over part of
  // the courses: the rule's note says which ("… a named immunosuppressant …: no"), the calculator's
  // description only what it computes.
  const paired = d.calculator === 'combinedIntolerance' || d.calculator === 'combinedTreatment';
  const label = paired && t.note ? t.note : String(d.description ?? d.calculator);
  switch (d.calculator) {
    case 'prednisoneEquivalentPerKg': {
      // The decision compares mg/day with mg/kg/day × weight exactly; mg/kg/day is a rounded view.
      const total = typeof d.totalMgPerDay === 'number' ? d.totalMgPerDay : null;
      const out: ReasonFact = { ...head, field: 'medications', label: 'prednisone-equivalent dose', value: total, unit: 'mg/day', threshold: { op: String(d.op), value: Number(d.limitMgPerDay), unit: 'mg/day' } };
      if (total !== null && typeof d.limitMgPerDay === 'number') out.side = sideFromOutcome(t.outcome, String(d.op), total, d.limitMgPerDay);
      if (typeof d.mgPerKgPerDay === 'number') out.text = `${d.mgPerKgPerDay} mg/kg/day`;
      if (typeof d.date === 'string') out.date = d.date;
      // The high end: records of one drug taken that day read as doses taken together, and every drug not known to be stopped as still taken.
      const together = typeof d.sameDrugRecords === 'string' ? `the records of one drug taken that day (${andList(d.sameDrugRecords.split(',').map((i) => `#${Number(i) + 1}`))}) are doses taken together, not one course entered twice` : '';
      if (d.totalHighMgPerDay !== undefined) out.text = `${out.text ?? ''}; up to ${d.totalHighMgPerDay ?? 'more'} mg/day if ${[together, 'every drug not known to be stopped is still taken'].filter(Boolean).join(', and ')}`;
      return out;
    }
    case 'imacsImprovement':
      return { ...head, label, value: Number(d.improvedCount), threshold: { op: '>=', value: Number(d.minImproved) }, text: `${d.improvedCount} improved, ${d.worsenedCount} worsened` };
    default: {
      // The rule the result is held against, in the words every report uses for it.
      const rule = describeNode({ ...t, note: undefined } as Trace).split('; rule: ')[1];
      // A classification that depends on items not recorded is one of several ("probable DM |
      // definite DM" in the trace): said in words, as --explain says it.
      const classes = typeof d.classification === 'string' ? classificationClasses(d.classification) : [];
      // (A paired-course "no" that rests on intolerance recorded for a course still taken says so.)
      const stillTaken = d.calculator === 'combinedIntolerance' && t.outcome === 'not_met' && Number(d.stillTaken) > 0 && d.stillTaken === d.considered;
      const no = stillTaken ? 'no: the intolerance recorded is for a course still taken at screening, which does not count (intolerance means the drug was stopped)' : 'no';
      const value = classes.length > 1 ? `${classes.join(' or ')}, depending on the items not recorded` : String(d.classification ?? d.form ?? (t.outcome === 'met' ? 'yes' : no));
      return { ...head, label, value, ...(rule ? { threshold: { op: 'is', value: rule } } : {}) };
    }
  }
}

function medicationFact(t: Extract<Trace, { kind: 'ongoing' | 'takenFor' | 'stoppedCourse' | 'stableDose' | 'lastDoseWithin' }>, head: ReasonFact): ReasonFact {
  const d = detailOf(t);
  const start = t.facts.find((f) => 'role' in f && f.role.kind === 'start')?.value;
  const stop = t.facts.find((f) => 'role' in f && f.role.kind === 'lastDose')?.value;
  const ongoing = t.facts.some((f) => 'role' in f && f.role.kind === 'ongoing');
  const joined = t.facts[0]?.joinedWith;
  const out: ReasonFact = { ...head, field: t.facts[0]?.field ?? '', ...(joined ? { joinedWith: joined } : {}), label: 'dates', value: [start ? `start ${start}` : 'start not recorded', stop ? `last dose ${stop}` : ongoing ? 'ongoing' : 'last dose not recorded'] };
  const reference = String(d.at ?? d.before ?? '');
  const length = d.within ?? d.atLeast ?? d.for ?? d.duration;
  out.window = { reference, ...(typeof length === 'string' ? { length } : {}), ...(typeof (d.from ?? d.since) === 'string' ? { from: String(d.from ?? d.since) } : {}), ...(typeof d.date === 'string' ? { to: d.date } : {}) };
  if (t.kind === 'takenFor' && d.chainStart) out.text = chainWords(d.chainStart, d.chainRecords);
  if (t.kind === 'stoppedCourse') out.text = stoppedCourseWords(d);
  if (t.kind === 'stableDose' && typeof d.changedOn === 'string') out.text = `dose changed on ${d.changedOn}`;
  if (t.kind === 'stableDose' && d.startedInWindow) out.text = 'started inside the window';
  if (t.kind === 'lastDoseWithin' && d.notYetStarted) out.text = 'not started by then';
  return out;
}

function window(d: Record<string, unknown>): ReasonWindow {
  return {
    ...(typeof d.from === 'string' ? { from: d.from } : {}),
    ...(typeof d.to === 'string' ? { to: d.to } : {}),
    ...(typeof d.before === 'string' ? { reference: d.before } : {}),
    ...(typeof d.within === 'string' ? { length: d.within } : {}),
  };
}
