// Turns patient JSON text into a validated, normalised PatientRecord. Errors name the JSON
// path (and line:column for syntax errors); unknown keys are warnings with a suggestion.
import type * as z from 'zod/mini';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { ageInYears, compareDates, toDayNumber } from '../engine/dates.js';
import { getPath, type PatientRecord } from '../engine/patient-record.js';
import { drugIdentity } from '../engine/medication.js';
import { resolveReferenceDates, type ResolvedReferenceDates } from '../engine/reference-dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { PatientDataError, type Problem } from '../errors.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import { findJsonTextProblem, MAX_JSON_DEPTH } from '../util/json-checks.js';
import { issueMessage } from '../util/zod-issue-message.js';
import { suggest } from '../util/did-you-mean.js';
import { knownKeyTree, patientSchema } from './schema.js';
import type { RecordOrigins } from './record-origins.js';

/**
 * `origins`, only when records were joined: for each list, the file positions each kept record
 * came from (results are renumbered to them: record-origins.ts).
 */
export type ParsedPatient = { record: PatientRecord; warnings: Problem[]; origins?: RecordOrigins };

/** Per dictionary, built on first use: the full schema (for many rows) and the known-key tree. */
const fullSchemas = new WeakMap<Dictionary, z.ZodMiniType>();
const keyTrees = new WeakMap<Dictionary, Map<string, Set<string>>>();

function cached<T>(map: WeakMap<Dictionary, T>, dict: Dictionary, build: (d: Dictionary) => T): T {
  let v = map.get(dict);
  if (v === undefined) {
    v = build(dict);
    map.set(dict, v);
  }
  return v;
}

/** "file $.path", or just "$.path" when there is no file name (batch rows name their row instead). */
export function locationOf(file: string, path: readonly PropertyKey[]): string {
  return file ? `${file} ${jsonPath(path)}` : jsonPath(path);
}

/** Keys are echoed at most this long: a 1 MB key is not worth a 1 MB error line. */
const MAX_KEY_ECHO = 80;

export function jsonPath(path: readonly PropertyKey[]): string {
  const key = (p: PropertyKey) => {
    const s = String(p);
    if (s.length > MAX_KEY_ECHO) return `[${JSON.stringify(`${s.slice(0, MAX_KEY_ECHO)}…`)}]`;
    return /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  };
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : key(p))).join('')}`;
}

/** Reference dates given on the command line (they win over the file's), checked with the file's. */
export type ParseOptions = { pruned?: boolean; referenceDates?: ReferenceDates };

export function parsePatientText(text: string, file: string, dict: Dictionary, options: ParseOptions = {}): ParsedPatient {
  if (text.trim() === '') throw new PatientDataError([{ location: file, message: 'the file is empty: expected a patient JSON object' }]);
  return parsePatientData(parsePatientJson(text, file), file, dict, { pruned: true, ...options });
}

/**
 * The one JSON reader for patient data (files, stdin, NDJSON lines): JSON.parse plus what it does
 * not check — nesting depth, duplicate keys, and keys such as __proto__ that reach Object.prototype.
 */
/** A patient object's `id`, when it is a string (for naming a row whose patient is refused). */
export function patientIdOf(data: unknown): string | null {
  const id = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

export function parsePatientJson(text: string, file: string): unknown {
  // Scanned before JSON.parse so that absurd nesting is refused without deep recursion anywhere.
  const textProblem = findJsonTextProblem(text);
  if (textProblem?.kind === 'depth') {
    throw new PatientDataError([{ location: `${locationOf(file, textProblem.path.slice(0, 8))}${textProblem.path.length > 8 ? '…' : ''}`, message: `nested more than ${MAX_JSON_DEPTH} levels deep: not a patient file` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PatientDataError([{ location: jsonErrorLocation(text, file, e as Error), message: `invalid JSON: ${jsonErrorReason(e as Error)}` }], { cause: e });
  }
  if (textProblem?.kind === 'duplicate') {
    throw new PatientDataError([{ location: locationOf(file, textProblem.path), message: `duplicate key "${textProblem.key.slice(0, 40)}": JSON would silently keep only the last value; remove one` }]);
  }
  if (textProblem?.kind === 'reserved') {
    throw new PatientDataError([{ location: locationOf(file, textProblem.path), message: `"${textProblem.key}" cannot be used as a key (it names a built-in property of every object)` }]);
  }
  return data;
}

/**
 * Validate and normalise one patient object. `pruned` builds a schema for just the fields the
 * object has (faster for one patient); without it the full schema is built once per dictionary
 * and reused (faster for many rows). Both give the same result.
 */
export function parsePatientData(data: unknown, file: string, dict: Dictionary, options: ParseOptions = {}): ParsedPatient {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PatientDataError([{ location: file, message: `expected a JSON object describing one patient, got ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data}` }]);
  }
  const resourceType = (data as { resourceType?: unknown }).resourceType;
  if (typeof resourceType === 'string') {
    // A FHIR resource read as a patient file would lose every value as an "unknown key".
    throw new PatientDataError([{ location: locationOf(file, ['resourceType']), message: `this is a FHIR ${resourceType.slice(0, 40)}, not a patient file: import a Bundle with "screen import fhir <file> > patient.json" (or screen it directly: screen <file> --trial <id>)` }]);
  }
  const schema = options.pruned ? patientSchema(dict, { onlyFor: data }) : cached(fullSchemas, dict, (d) => patientSchema(d));
  const keys = cached(keyTrees, dict, knownKeyTree);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new PatientDataError(parsed.error.issues.map((issue) => issueProblem(file, data, issue, dict)));
  }
  return checkedRecord(parsed.data as PatientRecord, data, file, dict, options, keys);
}

/**
 * What validation does after the schema (shared with the fast CSV reader, csv-fast-row.ts): the
 * checks across fields (dates in order, a stated age against the birth date), the drug classes,
 * and the warnings (unknown keys, dates after screening, one course entered twice or continued).
 */
export function checkedRecord(record: PatientRecord, data: unknown, file: string, dict: Dictionary, options: ParseOptions, keys = cached(keyTrees, dict, knownKeyTree)): ParsedPatient {
  // data undefined: built from dictionary paths only (csv-fast-row.ts), so no key can be unknown.
  const { dates, sources } = resolveReferenceDates(record.referenceDates, options.referenceDates ?? {});
  const contradiction = statedAgeContradiction(record, file);
  const orderProblems = [...(contradiction ? [contradiction] : []), ...referenceDateOrder(dates, sources, file), ...datesAfterReference(record, dict, dates, file)];
  if (orderProblems.length) throw new PatientDataError(orderProblems);
  fillDrugClasses(record, dict);
  const origins: Record<string, number[][]> = {};
  const warnings = [...(data === undefined ? [] : unknownKeys(data, keys, file)), ...futureDates(record, dict, file, latestAllowed(dates)), ...joinMedicationCourses(record, dict, file, origins)];
  return Object.keys(origins).length ? { record, warnings, origins } : { record, warnings };
}

/** The fields each check across fields reads, found once per dictionary (in dictionary order). */
type CheckedFields = { beforeReference: string[]; medications: string[]; past: { path: string; pastFields?: string[] }[] };
const checkedFields = new WeakMap<Dictionary, CheckedFields>();

function fieldsOf(dict: Dictionary): CheckedFields {
  return cached(checkedFields, dict, (d) => {
    const out: CheckedFields = { beforeReference: [], medications: [], past: [] };
    for (const [path, def] of d.fields) {
      if (def.type === 'date' && def.beforeReferenceDates) out.beforeReference.push(path);
      if (def.type === 'date' && def.past) out.past.push({ path });
      if (def.type === 'records') {
        if (def.kindOf === 'medication') out.medications.push(path);
        out.past.push({ path, pastFields: Object.entries(def.item).filter(([, item]) => item.type === 'date' && item.past).map(([name]) => name) });
      }
    }
    return out;
  });
}

/** Orders no real visit can have: randomization comes after screening and after consent. */
const DATE_ORDER = [['screening', 'randomization'], ['consent', 'randomization']] as const;

function referenceDateOrder(dates: ReferenceDates, sources: ResolvedReferenceDates['sources'], file: string): Problem[] {
  const out: Problem[] = [];
  for (const [earlier, later] of DATE_ORDER) {
    const a = dates[earlier];
    const b = dates[later];
    if (!a || !b || compareDates(b, a) >= 0) continue;
    const where = (name: keyof ReferenceDates) => (sources[name] === 'command line' ? `--${name === 'screening' ? 'as-of' : name}` : locationOf(file, ['referenceDates', name]));
    out.push({ location: where(later), message: `${b} is before the ${earlier} date ${a} (${where(earlier)}): ${later} cannot come before ${earlier}; check both dates` });
  }
  return out;
}

/** Dates the dictionary says must precede every reference date (a birth date after screening). */
function datesAfterReference(record: PatientRecord, dict: Dictionary, dates: ReferenceDates, file: string): Problem[] {
  const out: Problem[] = [];
  for (const path of fieldsOf(dict).beforeReference) {
    const v = getPath(record, path);
    if (typeof v !== 'string') continue;
    const after = (['screening', 'consent', 'randomization'] as const).find((n) => dates[n] !== undefined && compareDates(v, dates[n] as string) > 0);
    if (after) out.push({ location: locationOf(file, path.split('.')), message: `${v} is after the ${after} date ${dates[after]}: check the date` });
  }
  return out;
}

/** The date no recorded past event can follow: screening, else the earliest other reference date. */
function latestAllowed(dates: ReferenceDates): { name: string; date: string } | undefined {
  if (dates.screening) return { name: 'screening', date: dates.screening };
  const others = (['consent', 'randomization'] as const).filter((n) => dates[n]).sort((x, y) => compareDates(dates[x] as string, dates[y] as string));
  const first = others[0];
  return first ? { name: first, date: dates[first] as string } : undefined;
}

function issueProblem(file: string, data: unknown, issue: z.core.$ZodIssue, dict: Dictionary): Problem {
  const got = valueAt(data, issue.path);
  const hint = issue.code === 'invalid_value' && typeof got === 'string' ? codeHint(dict, issue.path, got) : '';
  return { location: locationOf(file, issue.path), message: `${issueMessage(issue, got)}${hint}` };
}

/**
 * A choice written as its label ("Dermatomyositis"), which CSV accepts and a patient file does
 * not, or a code in another case or with spaces: the code of that field it stands for.
 */
function codeHint(dict: Dictionary, path: readonly PropertyKey[], got: string): string {
  const def = choiceField(dict, path);
  if (!def) return '';
  const word = got.trim().toLowerCase();
  const codes = Object.keys(def.values);
  const code = codes.find((c) => c.toLowerCase() === word);
  if (code !== undefined) return ` (did you mean "${code}"? codes are written exactly)`;
  const labelled = codes.find((c) => enumLabel(def.values, c).toLowerCase() === word);
  return labelled === undefined ? '' : ` (that is the label of "${labelled}": a patient file takes the code)`;
}

/** The choice field (enum or enumList) at a patient-file path: a field, or a record item's field. */
function choiceField(dict: Dictionary, path: readonly PropertyKey[]): { values: Record<string, string | { label: string }> } | undefined {
  const keys = path.filter((k): k is string => typeof k === 'string');
  const isChoice = (d: { type: string } | undefined): d is { type: 'enum' | 'enumList'; values: Record<string, string | { label: string }> } => d?.type === 'enum' || d?.type === 'enumList';
  const field = dict.fields.get(keys.join('.'));
  if (isChoice(field)) return field;
  for (let i = 1; i < keys.length; i++) {
    const list = dict.fields.get(keys.slice(0, i).join('.'));
    if (list?.type !== 'records') continue;
    const item = keys.length === i + 1 ? list.item[keys[i] as string] : undefined;
    return isChoice(item) ? item : undefined;
  }
  return undefined;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k as string)) return undefined;
    cur = (cur as Record<string, unknown>)[k as string];
  }
  return cur;
}

function unknownKeys(data: unknown, known: Map<string, Set<string>>, file: string): Problem[] {
  const out: Problem[] = [];
  const walk = (value: unknown, schemaPath: string, path: (string | number)[]) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${schemaPath}[]`, [...path, i]));
      return;
    }
    // reviews.<trial>.<review id> and provenance paths are free-form keys, checked by the schema.
    if (schemaPath === 'reviews' || schemaPath === 'provenance') return;
    const allowed = known.get(schemaPath);
    if (!allowed) return;
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) {
        // "#key" entries are descriptions (screen template --format json writes them).
        if (key.startsWith('#')) continue;
        const hint = suggest(key, allowed);
        out.push({ location: locationOf(file, [...path, key]), message: `unknown key, ignored${hint ? ` (did you mean "${hint}"?)` : ''}` });
        continue;
      }
      walk((value as Record<string, unknown>)[key], schemaPath ? `${schemaPath}.${key}` : key, [...path, key]);
    }
  };
  walk(data, '', []);
  return out;
}

/** An age stated on a date that the date of birth contradicts: which one is right is not ours to pick. */
function statedAgeContradiction(record: PatientRecord, file: string): Problem | undefined {
  const d = record.demographics as { birthDate?: unknown; ageYears?: unknown; ageOn?: unknown } | null | undefined;
  if (!d || typeof d.birthDate !== 'string' || typeof d.ageYears !== 'number' || typeof d.ageOn !== 'string') return undefined;
  if (compareDates(d.ageOn, d.birthDate) < 0) return { location: locationOf(file, ['demographics', 'ageOn']), message: `${d.ageOn} is before the date of birth ${d.birthDate}` };
  const age = ageInYears(d.birthDate, d.ageOn);
  return age === d.ageYears ? undefined : { location: locationOf(file, ['demographics', 'ageYears']), message: `is ${d.ageYears} on ${d.ageOn}, but the date of birth ${d.birthDate} gives ${age}: correct one of them` };
}

function fillDrugClasses(record: PatientRecord, dict: Dictionary) {
  for (const path of fieldsOf(dict).medications) {
    const list = getPath(record, path);
    if (!Array.isArray(list)) continue;
    for (const med of list as Record<string, unknown>[]) {
      const known = typeof med.drug === 'string' ? dict.drugClasses.get(med.drug) : undefined;
      if (known && (med.class === undefined || med.class === null)) med.class = known;
    }
  }
}

type MedDose = { date: string; dose?: number; unit?: string };
type MedRecord = { drug?: string; otherName?: string; start?: string; stop?: string; ongoing?: boolean; outcome?: string; doses?: MedDose[] };

/**
 * Two records of one drug are joined into one course only when the join bridges no gap, no change
 * of dose and no disagreement: the same course entered twice (the same start and the same stop,
 * or both ongoing), or a course continued at the same dose (the later record starts on the earlier
 * one's stop day or the day after; its first dose, dated on its start, is the earlier record's last
 * dose in amount and unit, and none of the earlier one's is dated after it). Every other field
 * (the dictionary's, beside the dates and doses a join combines: class, outcome, the
 * prednisone-equivalent dose...) must agree where both records give it; one left empty is filled
 * from the other. A join keeps the earliest start, the latest end and both dose histories, with a
 * warning, and is numbered by the record it was kept as (`origins`: the one whose fields it
 * carries); doses that disagree on a date are an input error, since which one is right cannot be
 * told. Any other overlap (days both records cover, one start with two ends, another dose, a
 * field that differs) may be a second course or a change of dose: both records are kept, with a
 * warning, and the criteria read each (and count records without a break together). The records
 * are compared in an order of their own (start, end, content), so the result never depends on the
 * order the file lists them in. Records a day or more apart, or adjacent with another dose or none
 * recorded, are kept as they are.
 */
function joinMedicationCourses(record: PatientRecord, dict: Dictionary, file: string, origins: Record<string, number[][]>): Problem[] {
  const warnings: Problem[] = [];
  for (const path of fieldsOf(dict).medications) {
    const list = getPath(record, path);
    if (!Array.isArray(list)) continue;
    const meds = list as MedRecord[];
    const fields = agreeingFields(dict, path);
    // Compared in a fixed order (start, then end, then the whole record), so which records are
    // joined, and into what, never depends on the order the file lists them in.
    const kept = meds.map((m, i) => ({ m, at: i })).sort((x, y) => courseOrder(x.m, y.m));
    const overlapWarned = new Set<string>();
    // The file positions a kept record has taken in (by its own position), for `origins`.
    const joinedFrom = new Map<number, number[]>();
    let joined = true;
    while (joined) {
      joined = false;
      for (let a = 0; a < kept.length && !joined; a++) {
        for (let b = a + 1; b < kept.length && !joined; b++) {
          const [x, y] = [kept[a] as { m: MedRecord; at: number }, kept[b] as { m: MedRecord; at: number }];
          const id = drugIdentity(x.m);
          if (id === undefined || id !== drugIdentity(y.m)) continue;
          const { how, differs } = courseJoin(x.m, y.m, fields);
          if (how === 'apart') continue;
          // A warning on the one listed later, naming the one listed first (the file's order).
          const [listedFirst, listedNext] = x.at < y.at ? [x.at, y.at] : [y.at, x.at];
          if (how === 'overlap') {
            const key = `${listedFirst}|${listedNext}`;
            if (!overlapWarned.has(key)) {
              overlapWarned.add(key);
              const named = jsonPath([...path.split('.'), listedFirst]);
              warnings.push({ location: locationOf(file, [...path.split('.'), listedNext]), message: differs === undefined ? `overlaps ${id} of ${named} with another start, stop or dose: kept as two records (one course entered twice, a second course or a change of dose cannot be told apart)` : `meets ${id} of ${named} in its dates and dose but records another ${differs}: kept as two records (two courses, or one to correct)` });
            }
            continue;
          }
          joinInto(x.m, y.m, fields, () => locationOf(file, [...path.split('.'), y.at, 'doses']), id, x.at);
          // (A continuation's warning is on the record that continues the other.)
          const [named, on] = how === 'twice' ? [listedFirst, listedNext] : [x.at, y.at];
          warnings.push({ location: locationOf(file, [...path.split('.'), on]), message: how === 'twice' ? `repeats ${id} of ${jsonPath([...path.split('.'), named])} with the same dates: taken as one course of treatment (joined, counted once)` : `continues ${id} of ${jsonPath([...path.split('.'), named])} at the same dose (from its stop day or the day after): taken as one course of treatment (joined, counted once)` });
          joinedFrom.set(x.at, [...(joinedFrom.get(x.at) ?? [x.at]), ...(joinedFrom.get(y.at) ?? [y.at])]);
          kept.splice(b, 1);
          kept.sort((u, v) => courseOrder(u.m, v.m));
          joined = true;
        }
      }
    }
    if (kept.length !== meds.length) {
      // (In the file's order again: list order is the file's, each kept record at its place.)
      kept.sort((x, y) => x.at - y.at);
      // The record kept first (it carries the joined record's fields), then the others it took in.
      origins[path] = kept.map((k) => [k.at, ...(joinedFrom.get(k.at) ?? []).filter((i) => i !== k.at).sort((i, j) => i - j)]);
      meds.splice(0, meds.length, ...kept.map((k) => k.m));
    }
  }
  return warnings;
}

const OPEN_END = '9999-12-31';
const courseEnd = (m: MedRecord) => m.stop ?? (m.ongoing === true ? OPEN_END : undefined);

/** Records by start, then end (an unrecorded date first), then their whole content: a total order of distinct records. */
function courseOrder(a: MedRecord, b: MedRecord): number {
  // (null is not recorded, as absent: a patient file may give it for any field.)
  const by = (x: string | null | undefined, y: string | null | undefined) => (x == null ? (y == null ? 0 : -1) : y == null ? 1 : compareDates(x, y));
  const key = (m: MedRecord) => JSON.stringify(m, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1))) : v));
  // (The whole record only when the dates tie: every patient's list is sorted on the batch path.)
  const whole = () => {
    const [ka, kb] = [key(a), key(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  return by(a.start, b.start) || by(courseEnd(a), courseEnd(b)) || whole();
}

/**
 * How two records of one drug relate: `twice` (the same dates), `continued` (the later one
 * continues the other at the same dose from its stop day or the day after), `overlap` (their dates
 * overlap or touch otherwise, or they would be joined but a field differs: `differs` names it),
 * `apart` (a gap of a day or more between them, or dates not recorded).
 */
function courseJoin(a: MedRecord, b: MedRecord, fields: readonly string[]): { how: 'twice' | 'continued' | 'overlap' | 'apart'; differs?: string } {
  const [ea, eb] = [courseEnd(a), courseEnd(b)];
  if (a.start == null || b.start == null || ea == null || eb == null) return { how: 'apart' };
  // Fields that disagree (outcomes, classes, prednisone-equivalent doses) are two courses' (or one to correct): never joined.
  const differs = fields.find((f) => differ(a[f as keyof MedRecord], b[f as keyof MedRecord]));
  const joinable = (how: 'twice' | 'continued') => (differs === undefined ? { how } : { how: 'overlap' as const, differs });
  if (a.start === b.start && ea === eb) return joinable('twice');
  // One start and two ends: neither continues the other (which one is listed first says nothing).
  if (a.start === b.start) return { how: 'overlap' };
  const [first, next] = compareDates(a.start, b.start) < 0 ? [a, b] : [b, a];
  const firstEnd = courseEnd(first) as string;
  if (firstEnd === OPEN_END) return { how: 'overlap' };
  // Continued: the next record starts on the first one's stop day or the day after. Days both
  // take otherwise may be both doses at once: two records.
  const gap = toDayNumber(next.start as string) - toDayNumber(firstEnd);
  if (gap < 0) return { how: 'overlap' };
  if (gap > 1) return { how: 'apart' };
  if (compareDates(courseEnd(next) as string, firstEnd) >= 0 && sameDoseAtJoin(first, next)) return joinable('continued');
  return { how: gap === 0 ? 'overlap' : 'apart' };
}

/** Both recorded and not the same (null is not recorded, as absent). */
function differ(x: unknown, y: unknown): boolean {
  return x != null && y != null && JSON.stringify(x) !== JSON.stringify(y);
}

/**
 * The fields of a medication record a join combines (its dates and doses): every other field of
 * the dictionary's item must agree, and is the whole course's (the questionnaire writes it into
 * each record joined).
 */
export const COURSE_DATES: ReadonlySet<string> = new Set(['start', 'stop', 'ongoing', 'doses']);
function agreeingFields(dict: Dictionary, path: string): string[] {
  const def = dict.fields.get(path);
  return def?.type === 'records' ? Object.keys(def.item).filter((k) => !COURSE_DATES.has(k)) : [];
}

/** The first record's last dose is the next record's first dose (dated on its start), amount and unit recorded. */
function sameDoseAtJoin(first: MedRecord, next: MedRecord): boolean {
  const byDate = (m: MedRecord) => [...(m.doses ?? [])].sort((x, y) => compareDates(x.date, y.date));
  const last = byDate(first).at(-1);
  const opening = byDate(next)[0];
  return last !== undefined && opening !== undefined && opening.date === next.start && compareDates(last.date, opening.date) <= 0 && last.dose != null && last.dose === opening.dose && (last.unit ?? '') === (opening.unit ?? '');
}

function joinInto(into: MedRecord, m: MedRecord, fields: readonly string[], doseLocation: () => string, id: string, at: number) {
  const doses = new Map((into.doses ?? []).map((d) => [d.date, d]));
  for (const d of m.doses ?? []) {
    const other = doses.get(d.date);
    if (other && (other.dose !== d.dose || (other.unit ?? '') !== (d.unit ?? ''))) {
      throw new PatientDataError([{ location: doseLocation(), message: `records the same ${id} course as [${at}] but a different dose on ${d.date}; correct one of them` }]);
    }
    doses.set(d.date, d);
  }
  if (into.doses || m.doses) into.doses = [...doses.values()].sort((x, y) => compareDates(x.date, y.date));
  if (compareDates(m.start as string, into.start as string) < 0) into.start = m.start as string;
  if (m.ongoing === true || into.ongoing === true) {
    into.ongoing = true;
    delete into.stop;
  } else if (compareDates(m.stop as string, into.stop as string) > 0) into.stop = m.stop as string;
  // (The fields agree where both give them: one left empty is filled from the other.)
  const [to, from] = [into as Record<string, unknown>, m as Record<string, unknown>];
  for (const f of fields) if (to[f] == null && from[f] != null) to[f] = from[f];
}

function futureDates(record: PatientRecord, dict: Dictionary, file: string, reference: { name: string; date: string } | undefined): Problem[] {
  if (!reference) return [];
  const { date: screening } = reference;
  const after = `is after the ${reference.name} date ${screening}`;
  const out: Problem[] = [];
  for (const { path, pastFields } of fieldsOf(dict).past) {
    if (pastFields === undefined) {
      const v = getPath(record, path);
      if (typeof v === 'string' && compareDates(v, screening) > 0) out.push({ location: locationOf(file, path.split('.')), message: `${v} ${after}` });
    } else {
      // The same for dates inside records (a medication started after screening, say).
      const list = getPath(record, path);
      if (!Array.isArray(list)) continue;
      list.forEach((item: Record<string, unknown>, i) => {
        for (const name of pastFields) {
          const v = item[name];
          if (typeof v === 'string' && compareDates(v, screening) > 0) out.push({ location: locationOf(file, [...path.split('.'), i, name]), message: `${v} ${after}` });
        }
      });
    }
  }
  return out;
}

function jsonErrorReason(e: Error): string {
  return e.message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '').split('\n')[0] ?? 'syntax error';
}

function jsonErrorLocation(text: string, file: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  let pos = m ? Number(m[1]) : undefined;
  if (pos === undefined && /Unexpected end of JSON input/.test(e.message)) pos = text.length;
  if (pos === undefined) return file || 'line';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  // An NDJSON line has no file name of its own: its row names the line.
  return file ? `${file}:${line}:${col}` : `column ${col}`;
}
