// The default human report, a checklist to read at the chart: verdict first, then one line per
// criterion with its effect on eligibility and the deciding facts, then what to do next in plain
// words. --explain / --full show the evidence trees instead. Colour is optional and never carries
// meaning alone (every mark is also a word or symbol).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Outcome } from '../engine/logic.js';
import type { CriterionResult, ScreeningResult } from '../engine/result.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { criterionStatus, traceLines, VERDICT_WORDS } from './describe.js';
import { collectSteps, openItemsNote, reviewSteps, wrap } from './next-steps.js';
import { reasonsOf, type Reason } from './reason.js';
import { reasonWords } from './reason-words.js';

export type TextOptions = {
  color: boolean;
  /** Only the criteria that fail or are open (with their facts); the passing ones are counted. */
  brief?: boolean;
  /** The evidence tree under each criterion (the deciding parts), instead of the deciding facts. */
  explain?: boolean;
  /** Every node of the evidence tree, not only the deciding ones (implies explain). */
  full?: boolean;
  /** The data dictionary: questions and sections for the values to collect. */
  dictionary?: Dictionary;
  referenceDateSources?: Partial<Record<string, ReferenceDateSource>>;
};

const MARK: Record<Outcome, string> = { met: '✔', not_met: '✘', unknown: '?', needs_review: '⚑' };

function paint(ch: ChalkInstance, outcome: Outcome | 'pass' | 'fail', s: string): string {
  switch (outcome) {
    case 'met':
    case 'pass':
      return ch.green(s);
    case 'not_met':
    case 'fail':
      return ch.red(s);
    case 'unknown':
      return ch.yellow(s);
    case 'needs_review':
      return ch.magenta(s);
  }
}

function effectMark(c: CriterionResult): { mark: string; tone: Outcome | 'pass' | 'fail' } {
  if (c.effect === 'passes') return { mark: '✔', tone: 'pass' };
  if (c.effect === 'fails') return { mark: '✘', tone: 'fail' };
  return { mark: MARK[c.outcome], tone: c.outcome };
}

const WIDTH = 100;
/** Passing lines carry only the ✔ (the section heading says what it means), to keep them on one line. */
const EFFECT_WORDS: Record<CriterionResult['effect'], string> = { passes: '', fails: ' — FAILS', open: ' — open' };
const LEGEND = '✔ passes, ✘ FAILS, ? open: data missing, ⚑ open: a person decides';

export function formatText(result: ScreeningResult, options: TextOptions): string {
  const ch = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  const t = result.trial;
  const explain = options.explain === true || options.full === true;
  out.push(verdictLine(result, ch));
  // The title is the protocol's own text: one line, however long.
  out.push(ch.bold(`${t.id} (${t.nct}) — ${t.title}`));
  out.push(`patient ${result.patientId ?? '(no id)'}; criteria version ${t.version}${t.completeness === 'partial' ? ch.yellow(' — PARTIAL encoding') : ''}`);
  const dates = (['screening', 'consent', 'randomization'] as const)
    .map((k) => {
      const v = result.referenceDates[k];
      const src = explain ? options.referenceDateSources?.[k] : undefined;
      return `${k} ${v ?? ch.yellow('not given')}${v && src ? ` (${src})` : ''}`;
    })
    .join('; ');
  out.push(`reference dates: ${dates}`);
  if (t.completeness === 'partial') out.push(...wrap(`Only part of this trial's criteria is encoded: ${t.completenessNote ?? 'check the full protocol.'}`, WIDTH, '').map((l) => ch.yellow(l)));
  const reasons = reasonsOf(result, options.dictionary);
  for (const type of ['inclusion', 'exclusion'] as const) {
    const all = result.criteria.map((c, i) => ({ c, reason: reasons[i] as Reason })).filter(({ c }) => c.type === type);
    // --brief: only what fails or is open, with its facts; the passing ones are counted.
    const list = options.brief ? all.filter(({ c }) => c.effect !== 'passes') : all;
    if (!all.length) continue;
    out.push('');
    const heading = type === 'inclusion' ? 'Inclusion criteria' : 'Exclusion criteria';
    const passing = all.length - list.length;
    out.push(`${ch.bold(heading)}${options.brief ? `: ${passing} of ${all.length} pass${list.length ? ', and:' : ''}` : explain || type === 'exclusion' ? '' : ch.dim(` (${LEGEND})`)}`);
    for (const { c, reason } of list) {
      const { mark, tone } = effectMark(c);
      const head = `${paint(ch, tone, mark)} ${ch.bold(c.id)} ${c.title}${paint(ch, tone, EFFECT_WORDS[c.effect])}`;
      if (explain) {
        // (The rule's own outcome after the effect: "— FAILS (not met)", "— FAILS (applies — excluded)".)
        out.push(c.effect === 'passes' ? `${head} — ${criterionStatus(c)}` : `${head} (${criterionStatus(c)})`);
        if (c.note) out.push(`    ${ch.dim(`Interpretation: ${c.note}`)}`);
        for (const line of traceLines(c.trace, { full: options.full ?? false })) {
          out.push(`${'    '.repeat(line.depth + 1)}${paint(ch, line.outcome, MARK[line.outcome])} ${line.text}`);
        }
        continue;
      }
      out.push(...criterionLines(head, plainLength(c), reason, c.title));
    }
  }
  out.push(...nextStepLines(result, options, ch));
  const sources = Object.entries(result.provenance ?? {});
  if (sources.length && !options.brief) {
    out.push('');
    out.push(ch.bold('Imported values and their source records'));
    for (const [path, source] of sources) out.push(...wrap(`${path}: ${source}`, WIDTH, '    ', '  -'));
  }
  if (explain) out.push('', verdictLine(result, ch));
  else if (!options.brief) out.push(ch.dim('The evidence behind each line and the interpretations: --explain (every rule part: --full).'));
  return `${out.join('\n')}\n`;
}

/** The visible width of a criterion's head line (colour codes excluded). */
function plainLength(c: CriterionResult): number {
  return `✔ ${c.id} ${c.title}${EFFECT_WORDS[c.effect]}`.length;
}

/** The criterion on one line when its deciding facts fit in 100 columns, else the facts wrapped below. */
function criterionLines(head: string, headLength: number, reason: Reason, title: string): string[] {
  const { parts, hidden } = reasonWords(reason, reason.effect === 'passes' ? 1 : 3, title);
  const more = hidden ? ` (+${hidden} more ${reason.effect === 'passes' ? 'passing' : 'deciding'} fact${hidden === 1 ? '' : 's'})` : '';
  const facts = `${parts.join('; ')}${more}`;
  if (!facts) return [head];
  if (headLength + 2 + facts.length <= WIDTH) return [`${head}: ${facts}`];
  return [head, ...wrap(facts, WIDTH, '      ', '    ')];
}

function nextStepLines(result: ScreeningResult, options: TextOptions, ch: ChalkInstance): string[] {
  const collect = collectSteps(result, options.dictionary);
  const reviews = reviewSteps(result);
  if (!collect.length && !reviews.length) return [];
  const note = openItemsNote(result);
  // (Ineligible: nothing here is a step towards a verdict, so the items are not put as tasks.)
  const out = ['', ch.bold(note ? 'Still open' : 'What to do next')];
  if (note) out.push(...wrap(note, WIDTH, '', ''));
  if (collect.length) {
    out.push(note ? 'Values not recorded:' : 'Collect these values (then screen again):');
    for (const m of collect) {
      const where = m.where ? ` [${m.where}]` : '';
      out.push(...wrap(`${m.label}${where} — for ${m.criteria.join(', ')}${m.question ? `: ${m.question}` : ''}`, WIDTH, '    ', '  -'));
    }
  }
  if (reviews.length) {
    out.push(note ? 'Decisions not made:' : 'Decisions a person must make:');
    for (const r of reviews) {
      out.push(...wrap(`${r.criterion}, ${r.who}: ${r.question}`, WIDTH, '    ', '  -'));
      out.push(...wrap(r.record, WIDTH, '    ', '    '));
    }
  }
  return out;
}

export function verdictLine(result: ScreeningResult, ch: ChalkInstance = new Chalk({ level: 0 })): string {
  const w = VERDICT_WORDS[result.verdict];
  const failing = result.criteria.filter((c) => c.effect === 'fails').map((c) => c.id);
  const unknown = result.criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id);
  const review = result.criteria.filter((c) => c.outcome === 'needs_review').map((c) => c.id);
  let why = '';
  if (result.verdict === 'ineligible') why = `fails ${failing.join(', ')}`;
  else if (result.verdict === 'undetermined') {
    const parts = [];
    if (unknown.length) parts.push(`unknown: ${unknown.join(', ')}`);
    if (review.length) parts.push(`needs review: ${review.join(', ')}`);
    why = parts.join('; ');
  } else why = 'every criterion passes';
  const tone = result.verdict === 'eligible' ? ch.green.bold : result.verdict === 'ineligible' ? ch.red.bold : ch.yellow.bold;
  return `${tone(`Verdict: ${w}`)} (${why})`;
}
