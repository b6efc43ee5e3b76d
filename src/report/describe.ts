// Human wording for result objects. The engine records structured facts; this is the one place
// that turns them into sentences, shared by every formatter.
import { classificationClasses } from '../engine/calculators/bohan-peter.js';
import type { Outcome } from '../engine/logic.js';
import type { CriterionResult, Fact, Trace, Verdict } from '../engine/result.js';
import { andList, chainWords, stoppedCourseWords, factData, factLabel, itemWords } from './fact-words.js';
import { detailOf } from './trace-detail.js';
import { formatAgainst, roundTo, sideFromOutcome } from './precise-number.js';

const OP_WORDS: Record<string, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };
export const op = (o: unknown): string => OP_WORDS[String(o)] ?? String(o);

export const OUTCOME_WORDS: Record<Outcome, string> = { met: 'met', not_met: 'not met', unknown: 'unknown', needs_review: 'needs review' };
export const VERDICT_WORDS: Record<Verdict, string> = { eligible: 'ELIGIBLE', ineligible: 'INELIGIBLE', undetermined: 'UNDETERMINED' };

export function criterionStatus(c: Pick<CriterionResult, 'type' | 'outcome'>): string {
  if (c.type === 'exclusion') {
    if (c.outcome === 'met') return 'applies — excluded';
    if (c.outcome === 'not_met') return 'does not apply';
  }
  return OUTCOME_WORDS[c.outcome];
}

/** A number not compared with anything shown here: 3 decimals at most (thresholds are exact). */
function num(n: unknown): string {
  if (typeof n !== 'number') return String(n);
  return roundTo(n, 3);
}

/** A value compared with a threshold: as many decimals as keep it on the side the engine decided. */
function against(t: Trace, value: number, op: unknown, threshold: number): string {
  return formatAgainst(value, threshold, sideFromOutcome(t.outcome, String(op), value, threshold), 3);
}

export function factValue(f: Fact): string {
  const value = factData(f);
  if (value === null) return 'not recorded';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  return `${typeof value === 'number' ? num(value) : value}${unitSuffix(f.unit)}`;
}

/** "/150" sticks to the score; other units follow a space. */
export function unitSuffix(unit: string | undefined): string {
  return unit ? (unit.startsWith('/') ? unit : ` ${unit}`) : '';
}

function firstFact(t: Trace): Fact | undefined {
  return t.facts[0];
}

function factLine(f: Fact | undefined, fallback = 'value'): string {
  if (!f) return `${fallback}: not recorded`;
  return `${factLabel(f)}: ${factValue(f)}`;
}

/** One line describing a node (without its children). */
export function describeNode(t: Trace): string {
  const text = describeKind(t);
  return t.note ? `${t.note} — ${text}` : text;
}

function describeKind(t: Trace): string {
  const f = firstFact(t);
  // Without its reference date a rule has no window to state: say what is missing instead.
  const noDate = detailOf(t).noReferenceDate;
  if (typeof noDate === 'string') {
    const about = ['ongoing', 'takenFor', 'stoppedCourse', 'stableDose', 'lastDoseWithin'].includes(t.kind) ? medDates(t) : factLine(f);
    return `${about}; no ${noDate} date given, so this cannot be checked`;
  }
  switch (t.kind) {
    case 'all': {
      return 'all of:';
    }
    case 'any': {
      return 'any of:';
    }
    case 'not': {
      return 'not:';
    }
    case 'atLeast': {
      const d = detailOf(t);
      return `at least ${d.n} of ${d.of} (${d.metCount} met):`;
    }
    case 'compare': {
      const d = detailOf(t);
      const unit = d.unit ? ` ${d.unit}` : '';
      if (d.scaleMismatch) return `${factLine(f)} — the threshold ${op(d.op)} ${num(d.threshold)} is on the 0–${d.scaleMax} scale; a score on another scale cannot be compared`;
      const scale = d.scaleMax ? ` on the 0–${d.scaleMax} scale` : '';
      const shown = f && typeof f.value === 'number' ? `${factLabel(f)}: ${against(t, f.value, d.op, Number(d.threshold))}${unitSuffix(f.unit)}` : factLine(f);
      return `${shown}; rule: ${op(d.op)} ${roundTo(Number(d.threshold), 12)}${unit}${scale}`;
    }
    case 'is': {
      const d = detailOf(t);
      return `${factLine(f)}; rule: ${d.expected ? 'yes' : 'no'}`;
    }
    case 'in': {
      const d = detailOf(t);
      return `${factLine(f)}; rule: one of ${d.values}`;
    }
    case 'includesAny': {
      const d = detailOf(t);
      return `${factLine(f)}; rule: any of ${d.values}${d.matched ? ` (found ${d.matched})` : ''}`;
    }
    case 'labUln': {
      const d = detailOf(t);
      const value = t.facts[0];
      const uln = t.facts[1];
      const need = `rule: ${op(d.op)} ${num(d.times)} × ULN`;
      if (!value || value.value === null) return `${value ? factLabel(value) : 'lab'}: not recorded; ${need}`;
      if (!uln) return `${factLabel(value)} ${factValue(value)}, upper limit of normal not recorded; ${need}`;
      if (d.within && d.ratio === undefined) {
        const window = d.from ? `${d.from} to ${d.to}` : `within ${d.within} before the ${d.before} date`;
        const when = d.date ? `dated ${d.date}` : 'with no date';
        const span = `within ${d.within} before the ${d.before} date${d.through ? ` or after it up to the ${d.through} date` : ''}`;
        return `${factLabel(value)} ${factValue(value)} ${when}: only a result from ${window} counts (${span}); ${need}`;
      }
      const date = d.date ? ` (${d.date})` : '';
      // value / ULN from the facts, not the engine's 2-decimal ratio: never rounded onto or across times.
      const ratio = typeof value.value === 'number' && typeof uln.value === 'number' && typeof d.limit === 'number'
        ? formatAgainst(value.value / uln.value, Number(d.times), sideFromOutcome(t.outcome, String(d.op), value.value, d.limit))
        : num(d.ratio);
      return `${factLabel(value)} ${factValue(value)} = ${ratio} × ULN ${factValue(uln)}${date}; ${need} (${op(d.op)} ${roundTo(Number(d.limit), 12)} ${uln.unit ?? ''})`.trimEnd();
    }
    case 'age': {
      const d = detailOf(t);
      if (d.statedAge !== undefined) {
        const range = d.ageLow === d.ageHigh ? `${d.ageLow}` : `${d.ageLow} or ${d.ageHigh}`;
        return `age ${range} on the ${d.at} date ${d.on} (stated as ${d.statedAge} on ${d.statedOn}; no date of birth); rule: ${op(d.op)} ${d.years}`;
      }
      if (d.age === undefined) return `age on the ${d.at} date (${factLine(f, 'date of birth')}); rule: ${op(d.op)} ${d.years}`;
      return `age ${d.age} on the ${d.at} date ${d.on} (born ${f?.value}); rule: ${op(d.op)} ${d.years}`;
    }
    case 'dateWithin': {
      const d = detailOf(t);
      if (!d.from) return `${factLine(f)}; rule: within ${d.within} before the ${d.before} date`;
      return `${factLine(f)}; rule: ${d.from} to ${d.to} (within ${d.within} before the ${d.before} date)`;
    }
    case 'interval': {
      const d = detailOf(t);
      const dates = t.facts.map((x) => `${factLabel(x)} ${x.value}`).join(', ');
      const gap = d.elapsedDays === undefined ? '' : `: ${d.elapsedDays} days apart`;
      return `${dates || 'dates not recorded'}${gap}; rule: ${d.absolute ? 'the two dates ' : ''}${op(d.op)} ${d.duration} apart${d.boundary ? ` (boundary ${d.boundary})` : ''}`;
    }
    case 'known': {
      // (A field of choices by its value's label: the fact keeps the code.)
      const shown = detailOf(t).shown;
      return f && f.value !== null ? `${factLabel(f)} recorded: ${typeof shown === 'string' ? shown : factValue(f)}` : `${f ? factLabel(f) : 'value'} not recorded`;
    }
    case 'exists':
    case 'forAll':
    case 'count': {
      const d = detailOf(t);
      if (d.total === undefined) return `${f ? factLabel(f) : d.records}: not recorded (list them, or record an empty list for none)`;
      const quant = t.kind === 'exists' ? 'any of' : t.kind === 'forAll' ? 'each of' : `count ${op(d.op)} ${d.n} among`;
      const counted = t.kind === 'count' ? ` — counted ${d.high === null ? `${d.low} or more` : d.low === d.high ? d.low : `${d.low} to ${d.high}`}` : '';
      const records = `${quant} ${d.total} ${String(d.label)} record${d.total === 1 ? '' : 's'}`;
      if (d.complete === false) return `${records} entered so far${counted} (the list is not confirmed complete):`;
      const from = d.completeSince ? `; the list holds every record from ${d.completeSince} on` : '';
      return `${records}${counted}${d.total === 0 ? ` (none recorded${from})` : from ? ` (${from.slice(2)}):` : ':'}`;
    }
    case 'unrecorded': {
      const d = detailOf(t);
      return `records not entered yet: the ${String(d.label).toLowerCase()} list is not confirmed complete`;
    }
    case 'item': {
      const name = t.detail ? itemWords(t.detail) : '';
      if (t.detail?.applies === 'not_met' && t.outcome === 'met') return `${name}: not concerned`;
      return `${name}:`;
    }
    case 'ongoing': {
      const d = detailOf(t);
      if (d.continuing) return `${medDates(t)}; rule: still taken on the ${d.at} date ${d.date ?? ''} and continuing${d.ends ? ` (a last dose is recorded: ${d.ends})` : ''}`;
      return `${medDates(t)}; taken on the ${d.at} date ${d.date ?? ''}`.trim();
    }
    case 'takenFor': {
      const d = detailOf(t);
      if (!d.since) return `${medDates(t)}; rule: ${d.atLeast} before the ${d.before} date`;
      return `${medDates(t)}${d.chainStart ? `, ${chainWords(d.chainStart, d.chainRecords)}` : ''}; rule: started by ${d.since} (${d.atLeast} from then are reached by the ${d.before} date ${d.date}) and still taken`;
    }
    case 'stoppedCourse': {
      return `${medDates(t)}; ${stoppedCourseWords(detailOf(t))}`;
    }
    case 'stableDose': {
      const d = detailOf(t);
      if (!d.since) return `${medDates(t)}; rule: a stable dose for ${d.for} before the ${d.before} date`;
      const doses = t.facts.filter((x) => x.field.endsWith('.doses')).map((x) => `${factLabel(x)}: ${factValue(x)}`).join(', ');
      const what = d.startedInWindow
        ? 'started inside the window'
        : d.changedOn
          ? `dose changed on ${d.changedOn}`
          : d.unitMismatchOn
            ? `dose from ${d.unitMismatchOn} is written in another unit, so it cannot be compared`
            : doses || 'dose history not recorded';
      return `${what}${(d.changedOn || d.unitMismatchOn) && doses ? ` (${doses})` : ''}; rule: no dose change after ${d.readFrom ? `its start ${d.readFrom} (inside the window from ${d.since}: ` : `${d.since} (`}${d.for} from then are reached by the ${d.before} date ${d.date})`;
    }
    case 'lastDoseWithin': {
      const d = detailOf(t);
      if (!d.from) return `${medDates(t)}; rule: the last dose within ${d.within} before the ${d.before} date`;
      return `${medDates(t)}; window ${d.from} to ${d.date} (${d.within} before the ${d.before} date)${d.notYetStarted ? ' — not started by then' : ''}`;
    }
    case 'doseUnits': {
      const d = detailOf(t);
      const without = d.withoutUnit ? `${d.withoutUnit} dose${d.withoutUnit === 1 ? '' : 's'} without a unit` : '';
      const given = f && Array.isArray(f.value) && f.value.length ? `in ${f.value.join(', ')}${without ? `, ${without}` : ''}` : without;
      const shown = f && f.value !== null ? `${factLabel(f)} ${given}` : `${f ? factLabel(f) : 'Dose history'} not recorded`;
      return `${shown}; rule: every dose in ${String(d.units).replaceAll(', ', ' or ')}`;
    }
    case 'review': {
      const d = detailOf(t);
      if (d.decision) return `${d.by} review: ${d.question} — ${decisionMeaning(d)} (answered "${d.decision}" by ${d.decidedBy} on ${d.decidedOn}${d.reviewNote ? `: ${d.reviewNote}` : ''})`;
      return `${d.by} review: ${d.question} — no decision recorded (reviews."${d.trial}"."${d.id}")`;
    }
    case 'ref': {
      const d = detailOf(t);
      return `${d.description}:`;
    }
    case 'calc':
      return describeCalc(t);
    default:
      return (t as Trace).kind;
  }
}

/**
 * What a recorded review decision means for its criterion, in plain words: the criteria file's
 * yesMeans/noMeans (e.g. "investigator: exclusion does not apply"), else the bare answer.
 */
export function decisionMeaning(d: { by?: unknown; decision?: unknown; yesMeans?: unknown; noMeans?: unknown }): string {
  const meaning = d.decision === 'yes' ? d.yesMeans : d.noMeans;
  if (typeof meaning === 'string') return `${String(d.by)}: ${meaning}`;
  return `${String(d.by)} answered ${d.decision === 'yes' ? 'yes' : 'no'}`;
}

const CERTAINTY_ORDER = ['possible', 'probable', 'definite'];

/** Calculator results: the inputs used, what they compute to, and the rule applied. */
function describeCalc(t: Extract<Trace, { kind: 'calc' }>): string {
  const d = detailOf(t);
  const inputs = t.facts.map((x) => `${factLabel(x)} ${factValue(x)}`).join(', ');
  switch (d.calculator) {
    case 'bohanPeter': {
      const subtypes = String(d.subtypes).split(',').map((s) => s.toUpperCase()).join(' or ');
      const levels = CERTAINTY_ORDER.slice(CERTAINTY_ORDER.indexOf(String(d.minCertainty))).reverse().join(' or ');
      const classes = classificationClasses(String(d.classification));
      const result = classes.length === 1 ? classes[0] : `one of ${classes.join(', ')} depending on the items not recorded`;
      return `Bohan and Peter (${inputs}) → ${result === 'none' ? 'no PM/DM classification' : result}; rule: ${levels} ${subtypes}`;
    }
    case 'sontheimerCadm': {
      const form = d.form ? ` (${d.form})` : '';
      const unchecked = d.unchecked ? `; not checked here: ${d.unchecked}` : '';
      return `Revised Sontheimer CADM (${inputs})${t.outcome === 'met' ? ` → clinically amyopathic DM${form}` : ''}; rule: biopsy-confirmed hallmark skin disease for ≥ ${num(d.minSkinMonths)} months and no clinical proximal weakness${unchecked}`;
    }
    case 'imacsImprovement': {
      const changes = t.facts
        .filter((_, i) => i % 2 === 0)
        .map((b, i) => {
          const f = t.facts[i * 2 + 1];
          const key = b.field.slice(b.field.lastIndexOf('.') + 1);
          const pct = d[`change.${key}`];
          const name = 'role' in b && b.role.kind === 'imacsMeasure' ? b.role.measure : factLabel(b);
          if (b.value === null || !f || f.value === null) return `${name} ${factValue(b)} → ${f ? factValue(f) : 'not recorded'}`;
          // Shown against the cut-off it was judged by (improved ≥ improvePct, worsened ≥ worsenPct).
          const shownPct = typeof pct === 'number' ? (pct >= 0 ? formatAgainst(pct, Number(d.improvePct), undefined, 1) : formatAgainst(pct, -Number(d.worsenPct), undefined, 1)) : '';
          // (A change for the worse says so: "7.1% worse", never "-7.1% better".)
          return `${name} ${factValue(b)} → ${factValue(f)}${typeof pct === 'number' ? (pct >= 0 ? ` (+${shownPct}% better)` : ` (${shownPct.replace(/^-/, '')}% worse)`) : ''}`;
        })
        .join('; ');
      const counts = `${d.improvedCount} improved ≥ ${num(d.improvePct)}%${d.improved ? ` (${d.improved})` : ''}, ${d.worsenedCount} worsened ${op(d.worsenedWhen)} ${num(d.worsenPct)}%${d.worsened ? ` (${d.worsened})` : ''}${d.notKnown ? `, not known: ${d.notKnown}` : ''}`;
      const mmt = d.mmtMayNotWorsen === 'either' ? ', read both with and without the IMACS rule that MMT-8 may not worsen' : d.mmtMayNotWorsen ? ', MMT-8 not worsened' : '';
      const rule = `≥ ${d.minImproved} improved, ≤ ${d.maxWorsened} worsened${mmt}`;
      const zeroWords: Record<string, string> = {
        asChange: 'counted by the direction of the change',
        unchanged: 'counted as unchanged',
        either: 'read both ways (counted by the direction of the change, and as unchanged)',
      };
      const zero = d.zeroBaselineMeasures ? `; baseline 0, so no percent change: ${d.zeroBaselineMeasures}, ${zeroWords[String(d.zeroBaseline)] ?? ''}` : '';
      const readings = d.require ? ` — improvement ${d.require === 'every' ? 'under every reading' : 'under at least one reading'}` : '';
      return `IMACS definition of improvement: ${changes} — ${counts}${zero}; rule: ${rule}${readings}`;
    }
    case 'prednisoneEquivalentPerKg': {
      const range = d.totalHighMgPerDay === undefined ? '' : d.totalHighMgPerDay === null ? ' or more (a dose is not recorded)' : ` to ${num(d.totalHighMgPerDay)}`;
      const perKg = d.totalMgPerDay === undefined ? '' : ` → ${num(d.totalMgPerDay)}${range} mg/day = ${num(d.perKg)}${range ? '+' : ''} mg/kg/day`;
      // Records of one drug taken that day: the same course entered twice, or doses taken together.
      const records = typeof d.sameDrugRecords === 'string' ? d.sameDrugRecords.split(',').map((i) => `#${Number(i) + 1}`) : [];
      const same = records.length ? `; medication records ${andList(records)} are one drug taken that day, the same course entered twice or doses taken together (not recorded which): counted from one record's dose to their sum` : '';
      return `Prednisone-equivalent dose on the ${d.at} date${d.date ? ` ${d.date}` : ''} (${inputs || 'no current glucocorticoid'})${perKg}${same}; rule: ${op(d.op)} ${num(d.mgPerKgPerDay)} mg/kg/day${d.limitMgPerDay !== undefined ? ` (${op(d.op)} ${num(d.limitMgPerDay)} mg/day)` : ''}${d.deflazacortRatio !== undefined ? `; deflazacort read at ${num(d.deflazacortRatio)} mg per mg of prednisone` : ''}`;
    }
    default:
      return `${d.description}${inputs ? `: ${inputs}` : ''}`;
  }
}

function medDates(t: Trace): string {
  const parts = t.facts.filter((f) => !f.field.endsWith('.doses')).map((f) => ('role' in f && f.role.kind === 'ongoing' ? 'still taking' : `${factLabel(f)} ${f.value}`));
  return parts.length ? parts.join(', ') : 'start and stop dates not recorded';
}

export type TraceLine = { depth: number; outcome: Outcome; text: string };

/**
 * The trace as indented lines. By default only the evidence that decides each node is shown
 * (the met alternative of an "any", the failing part of an "all"; an open node shows all its
 * parts), with a count of what was left out; `full` shows every node.
 */
export function traceLines(t: Trace, options: { full?: boolean } = {}, depth = 0): TraceLine[] {
  return linesOf(t, options, depth);
}

/** `aside`: what the line adds after the node's description (why a part shown does not decide). */
function linesOf(t: Trace, options: { full?: boolean }, depth: number, aside?: string): TraceLine[] {
  const lines: TraceLine[] = [{ depth, outcome: t.outcome, text: aside ? `${describeNode(t)} — ${aside}` : describeNode(t) }];
  const { children, shown } = traceChildren(t, options.full === true);
  // (Only a criterion's own alternatives: deeper, --full would repeat it on most lines.)
  const unneeded = depth === 0 ? alternativesNotTaken(t, children) : new Map<Trace, string>();
  for (const c of shown) lines.push(...linesOf(c, options, depth + 1, unneeded.get(c)));
  // One collapsed line per outcome among the hidden parts, each with its own mark: a "✔ (+1 more)"
  // must never hide a ✘.
  const hiddenByOutcome = new Map<Outcome, number>();
  for (const c of children) if (!shown.includes(c)) hiddenByOutcome.set(c.outcome, (hiddenByOutcome.get(c.outcome) ?? 0) + 1);
  const records = ['exists', 'forAll', 'count'].includes(t.kind);
  for (const [outcome, hidden] of hiddenByOutcome) {
    const text = records
      ? `(+${hidden} record${hidden === 1 ? '' : 's'} not concerned)`
      : `(+${hidden} more ${HIDDEN_WORDS[outcome]}, which do${hidden === 1 ? 'es' : ''} not change this result)`;
    lines.push({ depth: depth + 1, outcome, text });
  }
  return lines;
}

/**
 * In a met "any of", its single-line parts that are not met, each with why it does not change the
 * result: the met parts, by their notes. --full shows them as recorded, and "Other rheumatic immune
 * disease: no" under an E1 met by overlap myositis in the chart read as contradicting it.
 */
function alternativesNotTaken(t: Trace, children: Trace[]): Map<Trace, string> {
  const out = new Map<Trace, string>();
  const decisive = decisiveChildren(t, children);
  // (Records that do not match are not alternatives: a list says which of them match.)
  if (t.outcome !== 'met' || t.kind === 'exists' || decisive.length === children.length || !decisive.every((c) => c.outcome === 'met')) return out;
  const notes = decisive.map((c) => c.note).filter((n): n is string => n !== undefined);
  const met = notes.length === decisive.length ? `${andList(notes)} ${notes.length === 1 ? 'is' : 'are'} met` : decisive.length === 1 ? 'another part is met' : 'other parts are met';
  for (const c of children) if (!decisive.includes(c) && c.outcome !== 'met' && !c.children?.length) out.set(c, `does not change this result: ${met}`);
  return out;
}

/** A node's parts as the trace lists them, and those it shows: every one (`full`), else those that decide it. */
function traceChildren(t: Trace, full: boolean): { children: Trace[]; shown: Trace[] } {
  let children = t.children ?? [];
  if (t.kind === 'ref' && children.length === 1) {
    // Show a definition's own operator children directly under its description.
    const inner = children[0] as Trace;
    children = inner.children && ['any', 'all'].includes(inner.kind) ? inner.children : [inner];
  }
  if (t.kind === 'item' && t.detail?.applies === 'not_met' && t.outcome === 'met') children = [];
  // Records not entered yet matter only while they leave the answer open.
  if (t.outcome === 'met' || t.outcome === 'not_met') children = children.filter((c) => c.kind !== 'unrecorded');
  return { children, shown: full ? children : decisiveChildren(t, children) };
}

/**
 * The review ids on the trace's deciding path (what traceLines shows without `full`): a recorded
 * decision not among them does not change the criterion's result.
 */
export function decidingReviewIds(t: Trace, out = new Set<string>()): Set<string> {
  if (t.kind === 'review' && typeof t.detail?.id === 'string') out.add(t.detail.id);
  for (const c of traceChildren(t, false).shown) decidingReviewIds(c, out);
  return out;
}

const HIDDEN_WORDS: Record<Outcome, string> = { met: 'met', not_met: 'not met', unknown: 'unknown', needs_review: 'needing review' };

/** The children that decide a node (all of them while it is open). */
export function decisiveChildren(t: Trace, children: Trace[]): Trace[] {
  const disjunctive = ['any', 'exists'].includes(t.kind) || (t.kind === 'ref' && children.length > 1 && t.children?.[0]?.kind === 'any');
  const conjunctive = ['all', 'forAll'].includes(t.kind) || (t.kind === 'ref' && children.length > 1 && t.children?.[0]?.kind === 'all');
  let keep: Trace[] = children;
  if (disjunctive && t.outcome === 'met') keep = children.filter((c) => c.outcome === 'met');
  else if (conjunctive && t.outcome === 'not_met') keep = children.filter((c) => c.outcome === 'not_met');
  // An open node shows every part: what is settled explains why the rest still matters.
  // In forAll/count the `where` is only a filter: records it excludes are not evidence.
  if (t.kind === 'forAll' || t.kind === 'count') keep = keep.filter((c) => !(c.kind === 'item' && c.detail?.applies === 'not_met'));
  return keep;
}
