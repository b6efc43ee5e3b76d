// "What to do next", in plain words: each value to collect by its dictionary label, where it is
// found (the dictionary section) and the question to answer; each open review with its question,
// who decides and how the decision is recorded. Shared by the text, HTML, Markdown and PDF reports.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ScreeningResult } from '../engine/result.js';
import { andList } from './fact-words.js';
import { missingPhrase } from './missing-label.js';

export type CollectStep = { label: string; question?: string; where?: string; criteria: string[] };
export type ReviewStep = { criterion: string; by: string; who: string; question: string; record: string };

/** Who settles a review item, in words: "the investigator decides"; a protocol item is a check. */
export function whoDecides(by: string): string {
  return by === 'protocol' ? 'check against the full protocol' : `the ${by} decides`;
}

const REFERENCE_QUESTIONS: Record<string, string> = {
  screening: 'On what date is (or was) the screening visit?',
  consent: 'On what date did the patient sign informed consent?',
  randomization: 'On what date is randomization planned?',
};

/** The dictionary entry behind a missing path: `labs.ck.uln` → labs.ck, `medications[1].stop` → medications / stop. */
function lookup(dict: Dictionary | undefined, bare: string): { question?: string; where?: string } {
  if (bare.startsWith('referenceDates.')) {
    const q = REFERENCE_QUESTIONS[bare.slice('referenceDates.'.length)];
    return { ...(q ? { question: q } : {}), where: 'visit schedule (or --as-of, --consent, --randomization)' };
  }
  if (bare.startsWith('completeness.')) {
    const list = bare.slice('completeness.'.length);
    const where = dict?.sections.find((s) => s.id === list.split('.')[0])?.title ?? dict?.fields.get(list)?.label;
    return {
      question: `Check that every record is entered, then confirm it in the patient file (under completeness, ${list}, complete: true)`,
      ...(where ? { where } : {}),
    };
  }
  if (!dict) return {};
  const section = dict.sections.find((s) => s.id === bare.split(/[.[]/)[0])?.title;
  const where = section ? { where: section } : {};
  const item = /^([\w.]+)\[\d+\]\.(\w+)/.exec(bare);
  if (item) {
    const def = dict.fields.get(item[1] as string);
    const field = def?.type === 'records' ? def.item[item[2] as string] : undefined;
    return { ...where, ...(field?.question ? { question: field.question } : {}) };
  }
  for (let p = bare; p; p = p.slice(0, Math.max(0, p.lastIndexOf('.')))) {
    const def = dict.fields.get(p);
    if (def) {
      const leaf = bare.slice(p.length + 1);
      const extra = leaf === 'uln' ? ' (with the reporting lab\'s upper limit of normal)' : leaf === 'date' ? ' (with the date of the result)' : '';
      return { ...where, ...(def.question ? { question: `${def.question}${extra}` } : {}) };
    }
    if (!p.includes('.')) break;
  }
  return where;
}

/**
 * For an ineligible patient with items still open, why none of them matters to the verdict (a
 * failing criterion decides it whatever they turn out to be); else undefined.
 */
export function openItemsNote(result: ScreeningResult): string | undefined {
  if (result.verdict !== 'ineligible' || (!result.missing.length && !result.review.length)) return undefined;
  const failing = result.criteria.filter((c) => c.effect === 'fails').map((c) => c.id);
  const ids = andList(failing);
  return `None of these can change the verdict: ${ids} already make${failing.length > 1 ? '' : 's'} the patient ineligible. They matter only if the data behind ${ids} is corrected.`;
}

export function collectSteps(result: ScreeningResult, dict?: Dictionary): CollectStep[] {
  return result.missing.map((m) => ({ label: missingPhrase(m, dict), ...lookup(dict, m.field), criteria: m.criteria }));
}

/** "Yes: I4 met. No: ..." from the criteria file, when it says what each answer means. */
function meanings(r: { yesMeans?: string; noMeans?: string }): string {
  const parts = [r.yesMeans ? `Yes: ${r.yesMeans}.` : '', r.noMeans ? `No: ${r.noMeans}.` : ''].filter(Boolean);
  return parts.length ? `${parts.join(' ')} ` : '';
}

export function reviewSteps(result: ScreeningResult): ReviewStep[] {
  return result.review.map((r) => ({
    criterion: r.criterion,
    by: r.by,
    who: whoDecides(r.by),
    question: r.question,
    // (A patient may come from a patient file or a row of a CSV: both places are named.)
    record: `${meanings(r)}Record the decision (yes or no), who made it and the date: answer it in "screen --interactive", or add it to the patient file under reviews, ${r.trial}, ${r.id} (in a CSV, the columns reviews.${r.trial}.${r.id}.decision, .by and .date).`,
  }));
}

/** Words wrapped to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent: string, first = ''): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    const sep = line.trim() === '' ? '' : ' ';
    if (line.length + sep.length + word.length > width && line.trim() !== '') {
      lines.push(line);
      line = indent + word;
    } else line += sep + word;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}
