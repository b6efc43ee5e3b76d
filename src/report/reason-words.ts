// Words for a criterion's reason (reason.ts): the few deciding facts a coordinator reads at the
// chart ("MMT-8 total 140/150, needs ≤ 135"), shared by the text, HTML, Markdown and PDF reports.
import type { Reason, ReasonFact } from './reason.js';
import { formatAgainst, roundTo } from './precise-number.js';
import { op, unitSuffix } from './describe.js';

export const EMPTY_LIST = 'none (the list is recorded as complete)';
export const NOT_RECORDED = 'not recorded';

function yesNo(v: unknown): string {
  return v === true ? 'yes' : v === false ? 'no' : String(v);
}

function withUnit(n: string, unit: string | undefined): string {
  return `${n}${unitSuffix(unit)}`;
}

/**
 * What the rule asks of the fact: "needs", or "fails if" (the fact rules the patient out: an
 * exclusion that applies, or a "not" inside an inclusion; "excludes if" read as an exclusion on an
 * inclusion criterion, IMACS improvement in NCT04946669 I3).
 */
function ruleWord(f: ReasonFact): string {
  return f.sense === 'needs' ? 'needs' : 'fails if';
}

const ops: Record<string, string> = { '==': '', in: 'one of ', includesAny: 'any of ' };
function opWord(o: string): string {
  return o in ops ? (ops[o] as string) : `${op(o)} `;
}

/** A list of names, at most `max` shown; the rest are counted, so nothing hides silently. */
export function shortList(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function shortValues(s: string): string {
  return shortList(s.split(', '), 4);
}

function referenceWords(reference: string | undefined): string {
  return reference ? `the ${reference} date` : 'the reference date';
}

/** One fact in a few words. `rule` adds what the rule asks for even where the value alone reads clearly. */
export function factWords(f: ReasonFact, rule = true, title = '', dated = false): string {
  const who = f.record ? `${f.record}: ` : '';
  // "At risk for tuberculosis: no" under the criterion "At risk for tuberculosis" reads "no".
  if (f.kind === 'is' && !f.record && f.label.toLowerCase() === title.toLowerCase()) return f.value === null ? NOT_RECORDED : yesNo(f.value);
  const needs = ruleWord(f);
  switch (f.kind) {
    case 'compare': {
      if (f.value === null) return `${who}${f.label}: ${NOT_RECORDED}`;
      const t = f.threshold;
      const thr = typeof t?.value === 'number' ? t.value : NaN;
      const shown = typeof f.value === 'number' ? formatAgainst(f.value, thr, f.side, 3) : String(f.value);
      const scale = t?.scaleMax && f.unit !== `/${t.scaleMax}` ? ` on the 0–${t.scaleMax} scale` : '';
      return `${who}${f.label} ${withUnit(shown, f.unit)}, ${needs} ${opWord(t?.op ?? '')}${withUnit(roundTo(thr, 12), t?.unit && t.unit !== f.unit ? t.unit : undefined)}${scale}`;
    }
    case 'is':
      return `${who}${f.label}: ${f.value === null ? NOT_RECORDED : yesNo(f.value)}${rule ? ` (${needs} ${yesNo(f.threshold?.value)})` : ''}`;
    case 'in':
    case 'includesAny': {
      const value = f.value === null ? NOT_RECORDED : Array.isArray(f.value) ? (f.value.length ? shortList(f.value) : EMPTY_LIST) : String(f.value);
      return `${who}${f.label}: ${value}${rule ? ` (${needs} ${opWord(f.threshold?.op ?? '')}${shortValues(String(f.threshold?.value ?? ''))})` : ''}`;
    }
    case 'doseUnits': {
      const units = Array.isArray(f.value) ? f.value.join(', ') : String(f.value);
      const value = f.value === null ? NOT_RECORDED : [units && `in ${units}`, f.text].filter(Boolean).join(', ');
      return `${who}${f.label}: ${value}${rule ? ` (${needs} every dose in ${String(f.threshold?.value ?? '').replaceAll(', ', ' or ')})` : ''}`;
    }
    case 'labUln': {
      const times = f.threshold?.timesUln ?? NaN;
      const need = `${needs} ${op(f.threshold?.op ?? '')} ${roundTo(times, 12)} × ULN`;
      if (f.value === null) return `${who}${f.label}: ${NOT_RECORDED} (${need})`;
      if (f.ratio === undefined) return `${who}${f.label} ${withUnit(String(f.value), f.unit)}, upper limit of normal ${NOT_RECORDED} (${need})`;
      const dated = f.date ? ` on ${f.date}` : '';
      return `${who}${f.label} ${withUnit(String(f.value), f.unit)}${dated} = ${formatAgainst(f.ratio, times, f.side)} × ULN ${f.uln}, ${need}`;
    }
    case 'age':
      if (f.value === null) return `${who}age: ${NOT_RECORDED} (${needs} ${op(f.threshold?.op ?? '')} ${f.threshold?.value})`;
      return `${who}age ${f.value} on ${f.date}${f.text ? ` (${f.text})` : ''}, ${needs} ${op(f.threshold?.op ?? '')} ${f.threshold?.value}`;
    case 'dateWithin': {
      if (f.value === null) return `${who}${f.label}: ${NOT_RECORDED}`;
      const w = f.window ?? {};
      const inside = w.from && w.to ? (String(f.value) >= w.from && String(f.value) <= w.to ? 'inside' : 'outside') : 'against';
      return `${who}${f.label} ${f.value}, ${inside} the ${w.length ?? ''} before ${referenceWords(w.reference)}${w.from ? ` (${w.from} to ${w.to})` : ''}`.replace('the  before', 'the window before');
    }
    case 'interval': {
      const dates = Array.isArray(f.value) && f.value.length ? f.value.join(' to ') : NOT_RECORDED;
      return `${who}${f.label} ${dates}${f.text ? `: ${f.text} days apart` : ''}, ${needs} ${op(f.threshold?.op ?? '')} ${f.threshold?.value} apart`;
    }
    case 'known':
      return `${who}${f.label}: ${f.value === null ? NOT_RECORDED : `recorded (${f.text ?? (Array.isArray(f.value) ? f.value.join(', ') : String(f.value))})`}`;
    case 'ongoing':
    case 'takenFor':
    case 'stoppedCourse':
    case 'stableDose':
    case 'lastDoseWithin':
      return medicationWords(f, who);
    case 'records':
      if (f.value === null) return `${f.label}: ${NOT_RECORDED}`;
      if (f.notConcerned?.length) {
        // "Each of" with records its filter leaves out: those are named apart.
        const n = Number(f.value);
        const total = n + f.notConcerned.length;
        const list = `${total} recorded ${inSentence(f.label)}`;
        // (The others are those it may apply to: where the filter is unknown, the check decides.)
        const verdict = n === 0 ? `none of ${list} is one it applies to (${shortList(f.notConcerned)})` : `${f.outcome === 'met' ? 'each of' : 'not known for'} the ${n} other${n === 1 ? '' : 's'} of ${list}${f.outcome === 'met' ? ' qualifies' : ''} (${shortList(f.records ?? [])}; not concerned: ${shortList(f.notConcerned)})`;
        return `${f.note ? `${f.note}: ` : ''}${verdict}`;
      }
      if (f.value === 0) return `${f.label}: ${f.complete === false ? 'none entered so far (the list is not confirmed complete)' : EMPTY_LIST}`;
      {
        // exists not met: none of them matches; forAll met: each of them passes the check.
        const n = Number(f.value);
        const list = `${n} recorded ${inSentence(f.label)}`;
        const verdict = f.outcome === 'met' ? `each of ${list} qualifies` : f.outcome === 'not_met' ? `none of ${list} matches` : `not known for ${list}`;
        return `${f.note ? `${f.note}: ` : ''}${verdict} (${shortList(f.records ?? [])})`;
      }
    case 'count':
      return `${f.note ? `${f.note}: ` : `${f.label}: `}${f.value} counted${f.records?.length ? ` (${shortList(f.records)})` : ''}, ${needs} ${op(f.threshold?.op ?? '')} ${f.threshold?.value}`;
    case 'atLeast':
      return `${f.label === 'parts met' ? '' : `${f.label}: `}${f.value} ${f.text ?? ''} met, ${needs} ${f.threshold?.value}`.replace(/\s+/g, ' ');
    case 'review':
      if (f.value === null) return `${f.label}: no decision recorded`;
      {
        // The answer's meaning without the decider's role ("investigator: ..."), then who decided.
        const prefix = `${f.label}: `;
        const meaning = f.meaning ? (f.meaning.startsWith(prefix) ? f.meaning.slice(prefix.length) : f.meaning) : `${f.label} answered ${f.value === 'yes' ? 'yes' : 'no'}`;
        return `${meaning} (${f.decidedBy ?? 'decider not recorded'}${dated ? `, ${f.date ?? 'no date'}` : ''})`;
      }
    case 'calc':
      if (f.threshold && f.unit === 'mg/day') {
        if (f.value === null) return `${f.label}: ${NOT_RECORDED}`;
        const limit = Number(f.threshold.value);
        return `${f.label}${f.date ? ` on ${f.date}` : ''}: ${formatAgainst(Number(f.value), limit, f.side)} mg/day, ${needs} ${op(f.threshold.op)} ${roundTo(limit, 12)} mg/day (${f.text ?? ''} × body weight)`;
      }
      if (f.threshold?.op === 'is') return `${f.label}: ${String(f.value)}${rule ? ` (${needs} ${f.threshold.value})` : ''}`;
      if (f.threshold) return `${f.label}: ${f.text ?? f.value}, ${needs} ≥ ${f.threshold.value} improved`;
      return `${f.label}: ${String(f.value)}`;
    default:
      return `${who}${f.label}: ${f.value === null ? NOT_RECORDED : String(f.value)}`;
  }
}

function medicationWords(f: ReasonFact, who: string): string {
  const dates = Array.isArray(f.value) ? f.value.join(', ') : '';
  const w = f.window ?? {};
  const span = w.from && w.to ? ` (${w.from} to ${w.to})` : '';
  const ref = referenceWords(w.reference);
  switch (f.kind) {
    case 'ongoing':
      return `${who}${dates}; taken on ${ref}${w.to ? ` ${w.to}` : ''}: ${f.outcome === 'met' ? 'yes' : f.outcome === 'not_met' ? 'no' : 'not known'}`;
    case 'takenFor':
      return `${who}${dates}${f.text ? `, ${f.text}` : ''}; ${ruleWord(f)} started by ${w.from ?? '?'} (${w.length} from then are reached by ${ref}) and still taken`;
    case 'stoppedCourse':
      return `${who}${dates}; ${f.text ?? ''}`;
    case 'stableDose':
      return `${who}${f.text ?? 'dose unchanged'}; ${ruleWord(f)} no dose change after ${w.from ?? '?'} (${w.length} from then are reached by ${ref})`;
    default:
      return `${who}${dates}${f.text ? `, ${f.text}` : ''}; ${f.outcome === 'met' ? 'inside' : 'outside'} the ${w.length} before ${ref}${span}`;
  }
}

/** A list's label inside a sentence: its first letter lower case, acronyms kept ("biopsies, MRI and EMG"). */
function inSentence(label: string): string {
  return label.replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());
}

/** What a decided criterion rests on, or what an open one waits for, in at most `max` facts. */
/** `dated`: decisions with their date (the printed record); the chart checklist keeps them short. */
export function reasonWords(r: Reason, max = 2, title = '', dated = false): { parts: string[]; hidden: number } {
  if (r.effect === 'open') {
    const parts: string[] = [];
    // (A daily total is not missing data: the records are there, and overlap; what they mean is to settle.)
    const absent = r.missing.filter((m) => m.need?.kind !== 'dailyTotal');
    const unsettled = r.missing.filter((m) => m.need?.kind === 'dailyTotal');
    if (absent.length) parts.push(`no data: ${shortList(absent.map((m) => m.label), max + 1)}`);
    if (unsettled.length) parts.push(`to settle: ${shortList(unsettled.map((m) => m.label), max + 1)}`);
    const open = r.reviews.filter((x) => x.status === 'open');
    if (open.length) parts.push(`waiting for ${shortList([...new Set(open.map((x) => (x.by === 'protocol' ? 'the check against the full protocol' : `the ${x.by} to decide`)))])}`);
    if (!parts.length) parts.push('open');
    return { parts, hidden: 0 };
  }
  const texts = [...new Set(r.facts.map((f) => factWords(f, r.effect === 'fails', title, dated)))].filter((t, i, all) => !all.some((o, j) => j !== i && o.length > t.length && o.endsWith(t)));
  return { parts: texts.slice(0, max), hidden: Math.max(0, texts.length - max) };
}
