// The interactive questionnaire: asks only for the data the trial's still-open criteria miss,
// re-screening after every answer. Prompts, output and saving are injected, so tests script
// whole sessions in-process; nothing here touches the terminal, the file system or the clock.
import type { Dictionary } from '../criteria/dictionary.js';
import { recordItemField } from '../criteria/dictionary.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { collectFieldRefs } from '../criteria/field-refs.js';
import type { Trial } from '../criteria/load-trial.js';
import { REFERENCE_DATES, type ReferenceDateName } from '../rules/types.js';
import { screenPatient } from '../engine/evaluate.js';
import { COMPLETENESS_PREFIX, getPath } from '../engine/patient-record.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { compareDates } from '../engine/dates.js';
import type { Missing, ReferenceDates, ReviewItem, ScreeningResult } from '../engine/result.js';
import { formatProblem, isScreenError, type Problem } from '../errors.js';
import { COURSE_DATES, parsePatientData } from '../patient/parse.js';
import { inFileNumbering } from '../patient/record-origins.js';
import { criterionStatus, traceLines } from '../report/describe.js';
import { excerpt } from '../errors.js';
import {
  acceptedUnits, isUnknownAnswer, parseDateAnswer, parseNumberAnswer, parseTextAnswer, rangeText, UNKNOWN_HINT, validatorFor,
  type DateLimit, type NumberSpec,
} from './answers.js';
import { askFirst, type AskFirst } from './ask-first.js';

export type Choice<T> = { name: string; value: T; description?: string };

/** The prompts the questionnaire needs. `id` names the question (a field path) for tests and logs. */
export type Prompter = {
  input(q: { id: string; message: string; validate: (raw: string) => true | string; default?: string }): Promise<string>;
  /** `default`: the choice the cursor starts on (else the first). */
  select<T>(q: { id: string; message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(q: { id: string; message: string; choices: Choice<T>[]; validate: (values: readonly T[]) => true | string }): Promise<T[]>;
};

export type PatientData = Record<string, unknown>;

export type QuestionnaireOptions = {
  trial: Trial;
  dict: Dictionary;
  /** The raw patient JSON to start from (already validated); it is what gets saved. */
  data: PatientData;
  /** Name used in validation messages. */
  file: string;
  /** Reference dates given on the command line (they override the file and are not asked). */
  flagDates: ReferenceDates;
  /** Today's calendar date, YYYY-MM-DD: dates in the past cannot be after it. */
  today: string;
  prompter: Prompter;
  say: (text: string) => void;
  /** Called with the whole patient after every accepted answer. */
  save: (data: PatientData) => void;
};

export type QuestionnaireOutcome = {
  data: PatientData;
  result: ScreeningResult;
  ending: 'complete' | 'stopped-ineligible';
  asked: number;
};

type RecordsDef = Extract<FieldDef, { type: 'records' }>;
type Loc = (string | number)[];

export type Target =
  | { kind: 'refDate'; key: string; name: ReferenceDateName }
  | { kind: 'field'; key: string; path: string; def: Exclude<FieldDef, RecordsDef> }
  | { kind: 'records'; key: string; path: string; def: RecordsDef }
  | { kind: 'confirmList'; key: string; path: string; def: RecordsDef }
  | { kind: 'item'; key: string; records: string; index: number; name: string; def: ItemFieldDef; recordsDef: RecordsDef };

const UNKNOWN_CHOICE = 'Unknown / skip';
/** The parts of a lab result or a scale score, in words. */
const LOCATION_PARTS: Record<string, string> = { value: 'result', unit: 'unit', uln: 'upper limit of normal', date: 'date of the result', score: 'score', max: 'scale' };
const NONE = '__none__';
const UNKNOWN = '__unknown__';

/** Maps what the engine says is missing to the question that fills it; undefined if no question can. */
export function targetFor(dict: Dictionary, missing: Missing): Target | undefined {
  const path = missing.field;
  if (path.startsWith(COMPLETENESS_PREFIX)) {
    const list = path.slice(COMPLETENESS_PREFIX.length);
    const def = dict.fields.get(list);
    return def?.type === 'records' ? { kind: 'confirmList', key: path, path: list, def } : undefined;
  }
  const ref = /^referenceDates\.(\w+)$/.exec(path);
  if (ref) {
    const name = ref[1] as ReferenceDateName;
    return (REFERENCE_DATES as readonly string[]).includes(name) ? { kind: 'refDate', key: path, name } : undefined;
  }
  const item = /^([A-Za-z.]+)\[(\d+)\]\.(\w+)$/.exec(path);
  if (item) {
    const [, records, index, name] = item as unknown as [string, string, string, string];
    const recordsDef = dict.fields.get(records);
    const def = recordItemField(dict, records, name);
    if (!def || recordsDef?.type !== 'records') return undefined;
    // A medication's "stop" and "ongoing" are one question: still taking, or the last dose date.
    const field = recordsDef.kindOf === 'medication' && name === 'ongoing' ? 'stop' : name;
    return { kind: 'item', key: `${records}[${index}].${field}`, records, index: Number(index), name: field, def: recordItemField(dict, records, field) ?? def, recordsDef };
  }
  for (const candidate of [path, path.slice(0, Math.max(0, path.lastIndexOf('.')))]) {
    const def = candidate ? dict.fields.get(candidate) : undefined;
    if (!def) continue;
    if (candidate !== path && def.type !== 'lab' && def.type !== 'scale') return undefined;
    return def.type === 'records' ? { kind: 'records', key: candidate, path: candidate, def } : { kind: 'field', key: candidate, path: candidate, def };
  }
  return undefined;
}

/** Chart order: reference dates, then dictionary sections, fields in dictionary order, records by index. */
export function orderKey(dict: Dictionary, t: Target): number[] {
  if (t.kind === 'refDate') return [-1, REFERENCE_DATES.indexOf(t.name), 0, 0];
  // A field asked only after a record list (B cells after the medications) sorts right after that list.
  const after = t.kind === 'field' ? t.def.askAfter : undefined;
  if (after && dict.fields.has(after)) return [...orderKey(dict, { kind: 'confirmList', key: '', path: after, def: dict.fields.get(after) as RecordsDef }), 1];
  const path = t.kind === 'item' ? t.records : t.path;
  const section = dict.sections.findIndex((s) => s.id === path.split('.')[0]);
  const fieldIndex = [...dict.fields.keys()].indexOf(path);
  // The list's completeness is confirmed after what its records still need.
  if (t.kind === 'confirmList') return [section, fieldIndex, Number.MAX_SAFE_INTEGER, 0];
  if (t.kind !== 'item') return [section, fieldIndex, -1, 0];
  const def = dict.fields.get(t.records) as RecordsDef;
  return [section, fieldIndex, t.index, Object.keys(def.item).indexOf(t.name)];
}

/** The field a target asks about, as the rules read it (a record's item: its list). */
function fieldOf(t: Target): string {
  return t.kind === 'item' ? t.records : t.kind === 'refDate' ? t.key : t.path;
}

/**
 * Chart order, except that a question another pending answer could make moot waits for it
 * (askFirst); where every question waits for another, chart order decides.
 */
function inAskingOrder(sorted: readonly Target[], first: AskFirst): Target[] {
  const rest = [...sorted];
  const out: Target[] = [];
  while (rest.length > 0) {
    const free = rest.findIndex((t) => !rest.some((u) => first.get(fieldOf(t))?.has(fieldOf(u))));
    out.push(...rest.splice(Math.max(free, 0), 1));
  }
  return out;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function setAt(data: PatientData, loc: Loc, value: unknown): void {
  let cur: Record<string | number, unknown> = data;
  loc.slice(0, -1).forEach((k, i) => {
    const next = cur[k];
    if (next === null || typeof next !== 'object') cur[k] = typeof loc[i + 1] === 'number' ? [] : {};
    cur = cur[k] as Record<string | number, unknown>;
  });
  cur[loc[loc.length - 1] as string | number] = value;
}

function locOf(path: string): Loc {
  return path.split('.');
}

/** The dictionary's question for a field, else its label as one. */
function questionText(def: { question?: string | undefined; label: string }): string {
  return def.question ?? `${def.label}?`;
}

function yesNoChoices(): Choice<boolean | null>[] {
  return [{ name: 'Yes', value: true }, { name: 'No', value: false }, { name: UNKNOWN_CHOICE, value: null }];
}

function enumChoices(values: Record<string, string | { label: string }>): Choice<string | null>[] {
  return [...Object.keys(values).map((v) => ({ name: enumLabel(values, v), value: v as string | null })), { name: UNKNOWN_CHOICE, value: null }];
}

export async function runQuestionnaire(o: QuestionnaireOptions): Promise<QuestionnaireOutcome> {
  const { dict, trial, prompter, say } = o;
  let data = clone(o.data);
  let asked = 0;
  const skipped = new Set<string>();
  let lastSection: string | undefined;

  const evaluate = (d: PatientData = data): ScreeningResult => {
    const { record, origins } = parsePatientData(d, o.file, dict, { referenceDates: o.flagDates });
    const { dates } = resolveReferenceDates(record.referenceDates, o.flagDates);
    // Answers are written into `data`, the file's records: missing paths must name them (not the joined list's).
    return inFileNumbering(screenPatient(trial, dict, record, { referenceDates: dates }), origins);
  };
  /**
   * The file records the reader joined into one course with record `index` of `records` (one entered
   * twice or continued: parse.ts), the one kept first; `[index]` alone when none. An answer about
   * the course is written where the re-read finds it: a field of the whole course into each, a
   * dated value into the one whose dates cover its date (recordOn).
   */
  const courseOf = (records: string, index: number): number[] => {
    const { origins } = parsePatientData(data, o.file, dict, { referenceDates: o.flagDates });
    const course = origins && Object.hasOwn(origins, records) ? origins[records]?.find((c) => c.includes(index)) : undefined;
    return course ? [...course] : [index];
  };
  /**
   * Of a course's file records, the one taken on `date` (the later started, when two are), else
   * the kept one; `until: false`: the last one started by `date` (where a last dose on it goes).
   */
  const recordOn = (records: string, course: number[], date: string, until = true): number => {
    const list = (getPath(data, records) as PatientData[] | undefined) ?? [];
    const covering = course.filter((i) => {
      const r = list[i] ?? {};
      return typeof r.start === 'string' && compareDates(r.start, date) <= 0 && (!until || r.ongoing === true || (typeof r.stop === 'string' && compareDates(r.stop, date) >= 0));
    });
    const start = (i: number) => String(list[i]?.start);
    return covering.sort((i, j) => compareDates(start(j), start(i)))[0] ?? (course[0] as number);
  };
  const screeningDate = (): string | undefined => o.flagDates.screening ?? (getPath(data, 'referenceDates.screening') as string | undefined) ?? undefined;
  const pastLimits = (): DateLimit[] => {
    const s = screeningDate();
    return [{ date: o.today, what: 'today' }, ...(s && s !== o.today ? [{ date: s, what: 'the screening date' }] : [])];
  };

  /**
   * Applies a change if the whole patient still validates; otherwise reports why, keeps the old
   * data and returns false (the caller asks again). Unknown is always an answer that leaves the
   * value out: said when the refusal is located at another field (a start date after the recorded
   * stop, which another date would clear; or a birth date after any screening date, which none
   * would), so no question is a dead end.
   */
  const commit = (changes: [Loc, unknown][]): boolean => {
    const next = clone(data);
    for (const [loc, value] of changes) setAt(next, loc, value);
    let problems: Problem[] = [];
    try {
      parsePatientData(next, o.file, dict, { referenceDates: o.flagDates });
    } catch (e) {
      if (!isScreenError(e)) throw e;
      problems = e.problems;
    }
    if (problems.length) {
      const paths = changes.map(([loc]) => `$${loc.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`);
      const at = (p: Problem) => p.location.replace(`${o.file} `, '');
      const here = problems.some((p) => paths.some((path) => at(p) === path || at(p).startsWith(`${path}.`) || at(p).startsWith(`${path}[`)));
      for (const p of problems) say(`  Not saved: ${pathsInWords(formatProblem({ ...p, location: at(p) }))}.${here ? ' Please answer again.' : ''}`);
      if (!here) say('  Please answer again, or answer unknown to leave it out (the problem is at another field: if no answer here can clear it, correct the file and run the questionnaire again).');
      return false;
    }
    data = next;
    o.save(clone(data));
    return true;
  };

  const input = async (id: string, message: string, validate: (raw: string) => true | string, def?: string): Promise<string> => {
    asked += 1;
    return prompter.input({ id, message, validate, ...(def !== undefined ? { default: def } : {}) });
  };
  /** `start`: the choice the cursor starts on (a stray Enter picks it). */
  const select = async <T>(id: string, message: string, choices: Choice<T>[], start?: { value: T }): Promise<T> => {
    asked += 1;
    return prompter.select({ id, message, choices, ...(start ? { default: start.value } : {}) });
  };


  const askDate = async (id: string, message: string, notAfter: DateLimit[], notBefore: DateLimit[] = []): Promise<string | null> => {
    const raw = await input(id, `${message} (YYYY-MM-DD; ${UNKNOWN_HINT})`, validatorFor((r) => parseDateAnswer(r, notAfter, notBefore)));
    if (isUnknownAnswer(raw)) return null;
    const p = parseDateAnswer(raw, notAfter, notBefore);
    return p.ok ? p.value : null;
  };

  const askNumber = async (id: string, message: string, spec: NumberSpec): Promise<unknown> => {
    const units = acceptedUnits(spec);
    const hint = [rangeText(spec), units.length > 1 ? `or give a unit: ${units.join(', ')}` : '', UNKNOWN_HINT].filter(Boolean).join('; ');
    const raw = await input(id, `${message} (${hint})`, validatorFor((r) => parseNumberAnswer(r, spec)));
    if (isUnknownAnswer(raw)) return null;
    const p = parseNumberAnswer(raw, spec);
    return p.ok ? p.value : null;
  };

  /** Asks one leaf value of a known type; returns the patient-file value (null = unknown). */
  const askLeaf = async (id: string, message: string, def: FieldDef | ItemFieldDef, extra: { notBefore?: DateLimit[] } = {}): Promise<unknown> => {
    switch (def.type) {
      case 'boolean':
        // (A stray Enter records "unknown", never a yes or a no that decides a criterion.)
        return select(id, message, yesNoChoices(), { value: null });
      case 'enum':
        return select(id, message, enumChoices(def.values), { value: null });
      case 'enumList': {
        const choices: Choice<string>[] = [
          ...Object.keys(def.values).map((v) => ({ name: enumLabel(def.values, v), value: v })),
          { name: 'None of these (no positive result on file)', value: NONE },
          { name: UNKNOWN_CHOICE, value: UNKNOWN },
        ];
        asked += 1;
        const picked = await prompter.checkbox({ id, message: `${message} (space to select, enter to confirm)`, choices, validate: (vs) => enumListProblem(vs) ?? true });
        if (picked.includes(UNKNOWN)) return null;
        return picked.filter((v) => v !== NONE);
      }
      case 'number':
      case 'integer':
        return askNumber(id, message, def);
      case 'date':
        return askDate(id, message, def.past ? pastLimits() : [], extra.notBefore ?? []);
      case 'string': {
        const max = def.maxLength ?? 500;
        const raw = await input(id, `${message} (${UNKNOWN_HINT})`, validatorFor((r) => parseTextAnswer(r, max)));
        return isUnknownAnswer(raw) ? null : raw.trim();
      }
      case 'lab':
        return askLab(id, message, def);
      case 'scale':
        return askScale(id, message, def);
      case 'doseHistory':
      case 'records':
        throw new Error(`askLeaf cannot ask a ${def.type} field`);
    }
  };

  const askLab = async (id: string, message: string, def: Extract<FieldDef, { type: 'lab' }>): Promise<unknown> => {
    const spec: NumberSpec = { type: 'number', min: 0, unit: def.unit, convert: def.convert };
    const units = acceptedUnits(spec);
    const rawValue = await input(`${id}.value`, `${message} Result (${units.join(' or ')}; ${UNKNOWN_HINT})`, validatorFor((r) => parseNumberAnswer(r, spec)));
    if (isUnknownAnswer(rawValue)) return null;
    const value = parseNumberAnswer(rawValue, spec);
    if (!value.ok) return null;
    const [amount, unit] = typeof value.value === 'number' ? [value.value, def.unit] : [value.value.value, value.value.unit];
    const ulnSpec: NumberSpec = { type: 'number', min: Number.MIN_VALUE };
    const rawUln = await input(`${id}.uln`, `Upper limit of normal of the reporting lab, in ${unit} (${UNKNOWN_HINT})`, validatorFor((r) => {
      const p = parseNumberAnswer(r, ulnSpec);
      return p.ok ? p : { ok: false, reason: `type the ULN as a positive number in ${unit}` };
    }));
    if (isUnknownAnswer(rawUln)) {
      say(`  A result without the lab's upper limit of normal cannot be compared with "× ULN" rules: ${def.label} is recorded as unknown.`);
      return null;
    }
    const uln = Number(rawUln.trim());
    const date = await askDate(`${id}.date`, 'Date of the result', pastLimits());
    return { value: amount, unit, uln, ...(date ? { date } : {}) };
  };

  const askScale = async (id: string, message: string, def: Extract<FieldDef, { type: 'scale' }>): Promise<unknown> => {
    const max = await select<number | null>(`${id}.max`, `${message} Which scale?`, [...def.scales.map((s) => ({ name: `0–${s}`, value: s as number | null })), { name: UNKNOWN_CHOICE, value: null }]);
    if (max === null) return null;
    const spec: NumberSpec = { type: 'number', min: 0, max };
    const score = await askNumber(`${id}.score`, `Score on the 0–${max} scale`, spec);
    return typeof score === 'number' ? { score, max } : null;
  };

  const askDoses = async (t: Extract<Target, { kind: 'item' }>, itemLabel: string): Promise<void> => {
    const base: Loc = [t.records, t.index];
    const med = (getPath(data, t.records) as PatientData[])[t.index] ?? {};
    // (A course joined from several records: their doses are its history, each written into the record taken on its date.)
    const course = courseOf(t.records, t.index);
    const dosesOf = (i: number) => ((getPath(data, t.records) as PatientData[])[i]?.doses as { date: string }[] | null | undefined) ?? [];
    const courseDoses = () => course.flatMap(dosesOf);
    const start = typeof med.start === 'string' ? med.start : undefined;
    const existing = courseDoses();
    say(`  Dose history of ${itemLabel}: each dose with the date it started${start && existing.length === 0 ? ` (the first on the start date, ${start})` : ''}.`);
    for (let n = existing.length; ; n++) {
      const id = `${t.key}[${n}]`;
      const taken = courseDoses();
      const usedDates = new Set(taken.map((d) => d.date));
      const notBefore = start ? [{ date: start, what: 'the start date' }] : [];
      const raw = await input(`${id}.date`, `Dose ${n + 1}: date this dose started (YYYY-MM-DD; ${UNKNOWN_HINT})`, (r) => {
        if (isUnknownAnswer(r)) return true;
        const p = parseDateAnswer(r, [], notBefore);
        if (!p.ok) return p.reason;
        return usedDates.has(p.value) ? `a dose is already recorded on ${p.value}` : true;
      });
      if (isUnknownAnswer(raw)) {
        if (n === existing.length && taken.length === 0) commit([[[...base, 'doses'], null]]);
        return;
      }
      const dose = await askNumber(`${id}.dose`, `Dose ${n + 1}: amount (unknown: the dose is recorded as unchanged since ${raw.trim()}, amount not given)`, { type: 'number', min: 0 });
      const units = t.def.type === 'doseHistory' ? (t.def.units ?? []) : [];
      const unit = typeof dose !== 'number' ? null
        : units.length > 0
          ? await select<string | null>(`${id}.unit`, `Dose ${n + 1}: unit`, [...units.map((u) => ({ name: u, value: u as string | null })), { name: UNKNOWN_CHOICE, value: null }], { value: null })
          : await input(`${id}.unit`, `Dose ${n + 1}: unit (${UNKNOWN_HINT})`, validatorFor((r) => parseTextAnswer(r, 40))).then((r) => (isUnknownAnswer(r) ? null : r.trim()));
      const entry = { date: raw.trim(), ...(typeof dose === 'number' ? { dose } : {}), ...(unit ? { unit } : {}) };
      const into = recordOn(t.records, course, entry.date);
      if (!commit([[[t.records, into, 'doses'], [...dosesOf(into), entry]]])) continue;
      const more = await select(`${t.key}:more`, `Did the dose of ${itemLabel} change after ${entry.date}?`, [
        { name: 'Yes: add the next dose', value: true },
        { name: 'No: that is the current dose', value: false },
      ]);
      if (!more) return;
    }
  };

  const itemName = (records: string, index: number): string => {
    const item = ((getPath(data, records) as PatientData[] | undefined) ?? [])[index] ?? {};
    for (const key of ['drug', 'type']) {
      const v = item[key];
      const def = recordItemField(dict, records, key);
      if (typeof v === 'string' && def?.type === 'enum') return `${enumLabel(def.values, v)}${typeof item.otherName === 'string' ? ` (${item.otherName})` : ''}`;
    }
    return `${(dict.fields.get(records) as RecordsDef).label} #${index + 1}`;
  };

  /** A patient-file location ("$.medications[0].stop") as the person answering knows it ("Date of last dose of Prednisone"). */
  const locationWords = (location: string): string => {
    const keys = [...location.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((m) => (m[1] ?? Number(m[2])));
    const [first, second, third, fourth] = keys;
    if (first === 'referenceDates' && typeof second === 'string') return `${second} date`;
    if (typeof first === 'string' && dict.fields.get(first)?.type === 'records' && typeof second === 'number') {
      const item = typeof third === 'string' ? recordItemField(dict, first, third) : undefined;
      const name = itemName(first, second);
      return item ? `${item.label}${typeof fourth === 'number' ? ` (entry ${fourth + 1})` : ''} of ${name}` : name;
    }
    for (let n = keys.length; n > 0; n--) {
      const path = keys.slice(0, n);
      const def = path.every((k) => typeof k === 'string') ? dict.fields.get(path.join('.')) : undefined;
      if (!def) continue;
      const part = keys[n];
      return part === undefined ? def.label : `${def.label}, ${LOCATION_PARTS[String(part)] ?? String(part)}`;
    }
    return location;
  };
  /** Every patient-file location in a message, in words. */
  const pathsInWords = (text: string): string => text.replaceAll(`${o.file} $`, '$').replace(/\$(?:\.[A-Za-z_$][\w$]*|\[\d+\])+/g, locationWords);

  const askItem = async (t: Extract<Target, { kind: 'item' }>): Promise<void> => {
    const label = itemName(t.records, t.index);
    const base: Loc = [t.records, t.index];
    const record = (getPath(data, t.records) as PatientData[])[t.index] ?? {};
    const start = typeof record.start === 'string' ? record.start : undefined;
    if (t.recordsDef.kindOf === 'medication' && t.name === 'stop') {
      for (;;) {
        const status = await select<'ongoing' | 'stopped' | null>(t.key, `${label}: is it still being taken?`, [
          { name: 'Still taking', value: 'ongoing' },
          { name: 'Stopped: give the date of the last dose', value: 'stopped' },
          { name: UNKNOWN_CHOICE, value: null },
        ], { value: null });
        // (Of a joined course: the record taken last, or on the date of the last dose.)
        const course = courseOf(t.records, t.index);
        const last: Loc = [t.records, recordOn(t.records, course, o.today, false)];
        if (status === 'ongoing' && commit([[[...last, 'ongoing'], true], [[...last, 'stop'], undefined]])) return;
        if (status === null && commit([[[...base, 'ongoing'], null]])) return;
        if (status === 'stopped') {
          const stop = await askDate(`${t.key}.date`, `${label}: date of the last dose`, [{ date: o.today, what: 'today' }], start ? [{ date: start, what: 'the start date' }] : []);
          const at: Loc = stop === null ? base : [t.records, recordOn(t.records, course, stop, false)];
          if (commit([[[...at, 'ongoing'], stop === null ? null : false], [[...at, 'stop'], stop]])) return;
        }
      }
    }
    if (t.def.type === 'doseHistory') return askDoses(t, label);
    // A field of the whole course (its class, response...) goes into each record joined into it.
    const into = t.recordsDef.kindOf === 'medication' && !COURSE_DATES.has(t.name) ? courseOf(t.records, t.index) : [t.index];
    for (;;) {
      const value = await askLeaf(t.key, `${label}: ${questionText(t.def)}`, t.def);
      if (commit(into.map((i): [Loc, unknown] => [[t.records, i, t.name], value]))) return;
    }
  };

  const identifyingField = (def: RecordsDef): string | undefined => Object.keys(def.item).find((k) => ['drug', 'type', 'name', 'test'].includes(k));

  const askRecords = async (t: Extract<Target, { kind: 'records' }>): Promise<void> => {
    const first = await select<'add' | 'none' | null>(t.key, `${t.def.question ?? t.def.label}`, [
      { name: `Add a record`, value: 'add' },
      { name: `None (no ${t.def.label.toLowerCase()} to record)`, value: 'none' },
      { name: UNKNOWN_CHOICE, value: null },
    ]);
    if (first !== 'add') {
      commit([[[t.path], first === 'none' ? [] : null]]);
      return;
    }
    // Until the person confirms the list, it is not complete: an interrupted session resumes
    // with every criterion that depends on the absence of a record still unknown.
    commit([[[t.path], []], [['completeness', t.path], { complete: false }]]);
    await addRecords(t.path, t.def, 0);
    await confirmList(t.path, t.def);
  };

  const addRecords = async (path: string, def: RecordsDef, from: number): Promise<void> => {
    const idField = identifyingField(def);
    for (let index = from; ; index++) {
      commit([[[path, index], {}]]);
      if (idField) {
        const itemDef = def.item[idField] as ItemFieldDef;
        const key = `${path}[${index}].${idField}`;
        for (;;) {
          const value = await askLeaf(key, `${def.label} #${index + 1}: ${questionText(itemDef)}`, itemDef);
          if (commit([[[path, index, idField], value]])) break;
        }
        if (getPath(data, path) && (getPath(data, path) as PatientData[])[index]?.[idField] === 'other' && def.item.otherName) {
          const value = await askLeaf(`${path}[${index}].otherName`, `${def.label} #${index + 1}: ${questionText(def.item.otherName)}`, def.item.otherName);
          commit([[[path, index, 'otherName'], value]]);
        }
      }
      // Then what the open criteria still need about this record, before the next one.
      for (;;) {
        const next = nextTarget(evaluate()).find((x) => x.kind === 'item' && x.records === path && x.index === index);
        if (!next || next.kind !== 'item') break;
        skipped.add(next.key);
        await askItem(next);
      }
      const more = await select(`${path}:more`, `Another ${def.label.toLowerCase()} record to add?`, [
        { name: 'Yes: add another', value: true },
        { name: 'No more', value: false },
      ]);
      if (!more) return;
    }
  };

  /** "Is this every medication ...?": yes records the list complete; more adds records first. */
  const confirmList = async (path: string, def: RecordsDef): Promise<void> => {
    const key = `${COMPLETENESS_PREFIX}${path}`;
    // Asked once a session: after the records are added (askRecords) as from the main loop, so a
    // "Not sure yet" here is not asked again when the list is still unconfirmed.
    skipped.add(key);
    for (;;) {
      const list = (getPath(data, path) as PatientData[] | null | undefined) ?? [];
      const names = list.map((_, i) => itemName(path, i));
      say(`  ${def.label} entered: ${names.length ? names.join(', ') : 'none'}.`);
      const answer = await select<'yes' | 'more' | null>(key, def.confirm ?? `Is this every ${def.label.toLowerCase()} record?`, [
        { name: `Yes: the list is complete (recorded as confirmed on ${o.today})`, value: 'yes' },
        { name: 'No: add the missing records now', value: 'more' },
        { name: 'Not sure yet: leave the list unconfirmed (criteria that need it stay unknown)', value: null },
        // (A stray Enter leaves the list unconfirmed: confirming it decides the absence of records.)
      ], { value: null });
      if (answer === null) return;
      if (answer === 'yes') {
        commit([[['completeness', path], { complete: true, date: o.today }]]);
        return;
      }
      await addRecords(path, def, list.length);
    }
  };

  const askReview = async (r: ReviewItem): Promise<void> => {
    const key = `reviews.${r.id}`;
    const decision = await select<'yes' | 'no' | null>(key, `[${r.criterion}, ${r.by}] ${r.question}`, [
      { name: r.yesMeans ? `Yes (${r.yesMeans})` : `Yes: the ${r.by} has answered yes (you record who decided, and when)`, value: 'yes' },
      { name: r.noMeans ? `No (${r.noMeans})` : `No: the ${r.by} has answered no (you record who decided, and when)`, value: 'no' },
      { name: `Leave open: the ${r.by} has not decided yet`, value: null },
    ]);
    if (decision === null) return;
    const by = await input(`${key}.by`, 'Decided by (name and role, or committee; Enter = leave open)', (raw) => (raw.trim().length > 200 ? 'at most 200 characters' : true));
    if (!by.trim()) return;
    const date = await input(`${key}.date`, 'Date of the decision (YYYY-MM-DD)', (raw) => {
      const p = parseDateAnswer(raw, [{ date: o.today, what: 'today' }]);
      return p.ok ? true : p.reason;
    }, o.today);
    const note = await input(`${key}.note`, 'Note (optional; Enter = none)', validatorFor((raw) => parseTextAnswer(raw, 2000)));
    commit([[['reviews', trial.meta.id, r.id], { decision, by: by.trim(), date: date.trim(), ...(isUnknownAnswer(note) ? {} : { note: note.trim() }) }]]);
  };

  const askTarget = async (t: Target): Promise<void> => {
    if (t.kind === 'refDate') {
      const notAfter = t.name === 'randomization' ? [] : [{ date: o.today, what: 'today' }];
      const words = { screening: 'the screening visit', consent: 'informed consent was signed', randomization: 'randomization (planned or actual)' }[t.name];
      // Reference dates cannot be recorded as unknown in the file: an unknown one is simply left out.
      // A date the whole file refuses (randomization before screening) is asked again, as it says.
      for (;;) {
        const date = await askDate(t.key, `Date of ${words}`, notAfter);
        if (date === null || commit([[['referenceDates', t.name], date]])) return;
      }
    }
    if (t.kind === 'item') return askItem(t);
    if (t.kind === 'records') return askRecords(t);
    if (t.kind === 'confirmList') return confirmList(t.path, t.def);
    const current = getPath(data, t.path);
    const now = current === undefined || current === null ? '' : ` (recorded now: ${excerpt(current, 60)})`;
    for (;;) {
      const value = await askLeaf(t.key, `${questionText(t.def)}${now}`, t.def);
      if (commit([[locOf(t.path), value]])) return;
    }
  };

  const nextTarget = (result: ScreeningResult): Target[] => {
    const targets = new Map<string, Target>();
    for (const m of result.missing) {
      const t = targetFor(dict, m);
      if (t && !skipped.has(t.key)) targets.set(t.key, t);
    }
    const traces = new Map(result.criteria.map((c) => [c.id, c.trace]));
    const first = askFirst(trial.criteria.map((c) => ({ rule: c.rule, trace: traces.get(c.id) })), trial.definitions);
    return inAskingOrder([...targets.values()].sort((a, b) => compareKeys(orderKey(dict, a), orderKey(dict, b))), first);
  };

  const sectionTitle = (t: Target): string => {
    if (t.kind === 'refDate') return 'Visit dates';
    const path = t.kind === 'item' ? t.records : t.kind === 'field' && t.def.askAfter ? t.def.askAfter : t.path;
    const id = path.split('.')[0];
    return dict.sections.find((s) => s.id === id)?.title ?? String(id);
  };
  // A section left for another (a question asked out of chart order) and re-entered later is
  // said to be continued, not headed again as if new.
  const headed = new Set<string>();
  const heading = (title: string) => {
    if (title !== lastSection) say(`\n— ${title}${headed.has(title) ? ' (continued)' : ''} —`);
    headed.add(title);
    lastSection = title;
  };

  const refs = collectFieldRefs(trial.criteria.map((c) => c.rule), trial.definitions);
  const needed = [...refs.fields];
  const known = needed.filter((f) => {
    const v = getPath(data, f);
    return v !== undefined && v !== null;
  });
  say(`${trial.meta.id}: the criteria read ${needed.length} patient fields and ${refs.reviews.length} review items; ${known.length} of the fields are in the file already. Only what the open criteria still need is asked.`);

  if (typeof data.id !== 'string') {
    // Asked first, so the saved file and every report name the patient.
    heading('Patient');
    const id = await input('id', 'Patient id, as on the screening log (Enter = none)', (raw) => (raw.trim().length > 100 ? 'at most 100 characters' : true));
    if (id.trim()) commit([[['id'], id.trim()]]);
  }

  let offeredStop = false;
  let ending: QuestionnaireOutcome['ending'] = 'complete';
  for (;;) {
    const result = evaluate();
    const targets = nextTarget(result);
    const reviews = result.review.filter((r) => !skipped.has(`reviews.${r.id}`));
    const open = targets.length > 0 || reviews.length > 0;
    if (result.verdict === 'ineligible' && !offeredStop && open) {
      offeredStop = true;
      say('\nThe patient is INELIGIBLE whatever the remaining answers are:');
      for (const c of result.criteria.filter((x) => x.effect === 'fails')) {
        say(`  ${c.id} ${c.title} — ${criterionStatus(c)}`);
        for (const line of traceLines(c.trace)) say(`${'    '.repeat(line.depth + 1)}${line.text}`);
      }
      const go = await select('continue-after-ineligible', 'Stop here, or continue for a complete checklist?', [
        { name: 'Stop and show the report', value: false },
        { name: 'Continue: ask what the other open criteria need', value: true },
      ]);
      if (!go) {
        ending = 'stopped-ineligible';
        break;
      }
    }
    const t = targets[0];
    if (t) {
      heading(sectionTitle(t));
      skipped.add(t.key);
      await askTarget(t);
      continue;
    }
    const r = reviews[0];
    if (r) {
      heading('Review items (a person must decide)');
      skipped.add(`reviews.${r.id}`);
      await askReview(r);
      continue;
    }
    break;
  }
  return { data, result: evaluate(), ending, asked };
}

function enumListProblem(values: readonly string[]): string | undefined {
  if (values.length === 0) return 'select the positive results, "None of these" or "Unknown"';
  if (values.includes(UNKNOWN) && values.length > 1) return '"Unknown" cannot be combined with other choices';
  if (values.includes(NONE) && values.length > 1) return '"None of these" cannot be combined with positive results';
  return undefined;
}
