// Turns patient JSON text into a validated, normalised PatientRecord. Errors name the JSON
// path (and line:column for syntax errors); unknown keys are warnings with a suggestion.
import type * as z from 'zod/mini';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { ageInYears, compareDates } from '../engine/dates.js';
import { getPath, type PatientRecord } from '../engine/patient-record.js';
import { PatientDataError, type Problem } from '../errors.js';
import { findJsonTextProblem, MAX_JSON_DEPTH } from '../util/json-checks.js';
import { issueMessage } from '../util/zod-issue-message.js';
import { suggest } from '../util/did-you-mean.js';
import { knownKeyTree, patientSchema } from './schema.js';

export type ParsedPatient = { record: PatientRecord; warnings: Problem[] };

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

export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join('')}`;
}

/** `screening`: the screening date given on the command line, if any (it wins over the file's). */
export function parsePatientText(text: string, file: string, dict: Dictionary, options: { screening?: string } = {}): ParsedPatient {
  if (text.trim() === '') throw new PatientDataError([{ location: file, message: 'the file is empty: expected a patient JSON object' }]);
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
  return parsePatientData(data, file, dict, { pruned: true, ...options });
}

/**
 * Validate and normalise one patient object. `pruned` builds a schema for just the fields the
 * object has (faster for one patient); without it the full schema is built once per dictionary
 * and reused (faster for many rows). Both give the same result.
 */
export function parsePatientData(data: unknown, file: string, dict: Dictionary, options: { pruned?: boolean; screening?: string } = {}): ParsedPatient {
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
    throw new PatientDataError(parsed.error.issues.map((issue) => issueProblem(file, data, issue)));
  }
  const record = parsed.data as PatientRecord;
  const contradiction = statedAgeContradiction(record, file);
  if (contradiction) throw new PatientDataError([contradiction]);
  fillDrugClasses(record, dict);
  const warnings = [...unknownKeys(data, keys, file), ...futureDates(record, dict, file, options.screening ?? record.referenceDates?.screening)];
  return { record, warnings };
}

function issueProblem(file: string, data: unknown, issue: z.core.$ZodIssue): Problem {
  const got = valueAt(data, issue.path);
  return { location: locationOf(file, issue.path), message: issueMessage(issue, got) };
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
  for (const [path, def] of dict.fields) {
    if (def.type !== 'records' || def.kindOf !== 'medication') continue;
    const list = getPath(record, path);
    if (!Array.isArray(list)) continue;
    for (const med of list as Record<string, unknown>[]) {
      const known = typeof med.drug === 'string' ? dict.drugClasses.get(med.drug) : undefined;
      if (known && (med.class === undefined || med.class === null)) med.class = known;
    }
  }
}

function futureDates(record: PatientRecord, dict: Dictionary, file: string, screening: string | undefined): Problem[] {
  if (!screening) return [];
  const out: Problem[] = [];
  for (const [path, def] of dict.fields) {
    if (def.type === 'date' && def.past) {
      const v = getPath(record, path);
      if (typeof v === 'string' && compareDates(v, screening) > 0) out.push({ location: locationOf(file, path.split('.')), message: `${v} is after the screening date ${screening}` });
    }
    // The same for dates inside records (a medication started after screening, say).
    if (def.type === 'records') {
      const list = getPath(record, path);
      if (!Array.isArray(list)) continue;
      const pastFields = Object.entries(def.item).filter(([, item]) => item.type === 'date' && item.past).map(([name]) => name);
      list.forEach((item: Record<string, unknown>, i) => {
        for (const name of pastFields) {
          const v = item[name];
          if (typeof v === 'string' && compareDates(v, screening) > 0) out.push({ location: locationOf(file, [...path.split('.'), i, name]), message: `${v} is after the screening date ${screening}` });
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
  if (pos === undefined) return file;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${file}:${line}:${col}`;
}
