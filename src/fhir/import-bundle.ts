// FHIR R4 Bundle -> patient file, through the terminology bindings in the data dictionary. Pure:
// data in, data out (no files, no clock; the screening date comes in as `asOf`). It never guesses:
// a value it cannot read exactly stays unknown with a note, every list it fills is marked as not
// known to be complete, and every value it writes names the resource it came from.
import type * as R4 from 'fhir/r4.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef } from '../criteria/dictionary-schema.js';
import { compareDates, isValidIsoDate, shift } from '../engine/dates.js';
import { PatientDataError } from '../errors.js';
import { buildCodeIndex, codeKey, systemName, type CodeIndex, type CodeTarget } from './code-index.js';

/** One line of the import summary: which resource, which code, and why it was not (fully) used. */
export type ImportNote = { resource: string; code?: string; message: string };
export type ImportResult = { patient: Record<string, unknown>; notes: ImportNote[] };
export type ImportOptions = { asOf?: string };

/** The lists the importer fills. A bundle never proves that something did not happen. */
export const IMPORTED_LISTS = ['medications', 'procedures', 'malignancies'] as const;

const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
/** UCUM codes whose dictionary spelling differs. */
const UNIT_ALIASES: Record<string, string> = { '[lb_av]': 'lb' };
/** SNOMED CT qualifier values for a qualitative result: Positive, Negative. */
const RESULT_CODES: Record<string, boolean> = { '10828004': true, '260385009': false };
const INTERPRETATION_CODES: Record<string, boolean> = { POS: true, NEG: false };
/** Resource types the importer reads; anything else is listed once per type in the summary. */
const MAPPED = new Set(['Patient', 'Observation', 'Condition', 'MedicationRequest', 'MedicationStatement', 'Procedure', 'Medication']);

type Dated<T> = { date: string; value: T; ref: string };

type Ctx = {
  dict: Dictionary;
  index: CodeIndex;
  asOf: string | undefined;
  notes: ImportNote[];
  medications: Map<string, R4.Medication>;
};

export function importFhirBundle(bundle: unknown, dict: Dictionary, options: ImportOptions = {}): ImportResult {
  const resources = bundleResources(bundle);
  const ctx: Ctx = { dict, index: buildCodeIndex(dict), asOf: options.asOf, notes: [], medications: new Map() };
  for (const { resource, fullUrl } of resources) {
    if (resource.resourceType !== 'Medication') continue;
    const med = resource as R4.Medication;
    if (med.id) ctx.medications.set(`Medication/${med.id}`, med);
    if (fullUrl) ctx.medications.set(fullUrl, med);
  }
  const patients = resources.filter((r) => r.resource.resourceType === 'Patient');
  if (patients.length > 1) throw new PatientDataError([{ location: '$.entry', message: `the bundle holds ${patients.length} Patient resources; import one patient's bundle at a time` }]);

  const out: Record<string, unknown> = {};
  const provenance: Record<string, string> = {};
  const set = (path: string, value: unknown, ref: string) => {
    setPath(out, path, value);
    provenance[path] = ref;
  };
  if (options.asOf) setPath(out, 'referenceDates.screening', options.asOf);
  const patient = patients[0]?.resource as R4.Patient | undefined;
  if (patient) importPatient(patient, ctx, out, set);
  else ctx.notes.push({ resource: 'Bundle', message: 'no Patient resource: birth date and sex stay unknown' });

  const fieldValues = new Map<string, Dated<unknown>[]>();
  const subtypes: Dated<string>[] = [];
  const records = new Map<string, Record<string, unknown>[]>(IMPORTED_LISTS.map((l) => [l, []]));
  const recordRefs = new Map<string, string[]>(IMPORTED_LISTS.map((l) => [l, []]));
  const medEntries: MedEntry[] = [];
  const skippedTypes = new Map<string, number>();

  for (const { resource } of resources) {
    const ref = `${resource.resourceType}/${resource.id ?? '?'}`;
    switch (resource.resourceType) {
      case 'Observation':
        importObservation(resource as R4.Observation, ref, ctx, fieldValues);
        break;
      case 'Condition':
        importCondition(resource as R4.Condition, ref, ctx, subtypes, records, recordRefs);
        break;
      case 'MedicationRequest':
      case 'MedicationStatement': {
        const entry = medicationEntry(resource as R4.MedicationRequest | R4.MedicationStatement, ref, ctx);
        if (entry) medEntries.push(entry);
        break;
      }
      case 'Procedure':
        importProcedure(resource as R4.Procedure, ref, ctx, records, recordRefs);
        break;
      default:
        if (!MAPPED.has(resource.resourceType)) skippedTypes.set(resource.resourceType, (skippedTypes.get(resource.resourceType) ?? 0) + 1);
    }
  }

  for (const [path, values] of fieldValues) {
    const latest = pickLatest(values, path, ctx);
    if (!latest) continue;
    set(path, latest.value, latest.ref);
    for (const v of values) if (v !== latest && v.ref !== latest.ref) ctx.notes.push({ resource: v.ref, message: `an earlier ${path} result; the latest (${latest.date}) is used` });
    // A lab carries its date; other values do not, so say how old the one taken is.
    if (ctx.dict.fields.get(path)?.type !== 'lab') ctx.notes.push({ resource: latest.ref, message: `${path} taken from the latest result, dated ${latest.date}` });
  }
  const subtype = pickSubtype(subtypes, ctx);
  if (subtype) {
    set('diagnosis.subtype', subtype.value, subtype.ref);
    if (subtype.date) set('diagnosis.date', subtype.date, subtype.ref);
  }
  const meds = medicationRecords(medEntries, ctx);
  records.set('medications', meds.map((m) => m.record));
  recordRefs.set('medications', meds.map((m) => m.refs.join(', ')));

  const completeness: Record<string, { complete: false }> = {};
  for (const list of IMPORTED_LISTS) {
    const items = records.get(list) ?? [];
    out[list] = items;
    (recordRefs.get(list) ?? []).forEach((ref, i) => {
      provenance[`${list}[${i}]`] = ref;
    });
    completeness[list] = { complete: false };
  }
  out.completeness = completeness;
  out.provenance = provenance;
  for (const [type, n] of [...skippedTypes].sort()) ctx.notes.push({ resource: `${type} ×${n}`, message: 'not used for screening' });
  return { patient: out, notes: ctx.notes };
}

type Entry = { resource: R4.Resource; fullUrl: string | undefined };

function bundleResources(bundle: unknown): Entry[] {
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) throw new PatientDataError([{ location: '$', message: 'expected a FHIR Bundle (a JSON object)' }]);
  const b = bundle as { resourceType?: unknown; entry?: unknown };
  if (b.resourceType !== 'Bundle') {
    const got = typeof b.resourceType === 'string' ? `a ${b.resourceType.slice(0, 40)} resource` : 'no resourceType';
    throw new PatientDataError([{ location: '$.resourceType', message: `expected a FHIR Bundle, got ${got}` }]);
  }
  if (b.entry === undefined) return [];
  if (!Array.isArray(b.entry)) throw new PatientDataError([{ location: '$.entry', message: 'must be a list of entries' }]);
  return b.entry.map((e: unknown, i) => {
    const resource = (e as { resource?: unknown } | null)?.resource as { resourceType?: unknown } | undefined;
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      throw new PatientDataError([{ location: `$.entry[${i}].resource`, message: 'must be a FHIR resource with a resourceType' }]);
    }
    const fullUrl = (e as { fullUrl?: unknown }).fullUrl;
    return { resource: resource as R4.Resource, fullUrl: typeof fullUrl === 'string' ? fullUrl : undefined };
  });
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** The calendar date of a FHIR date or dateTime as written (no time-zone shift); partial dates are not dates. */
function dateOf(s: string | undefined): string | undefined {
  if (typeof s !== 'string') return undefined;
  const d = s.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && isValidIsoDate(d) ? d : undefined;
}

function codingText(c: R4.Coding): string {
  return `${systemName(c.system)} ${c.code ?? '?'}${c.display ? ` ${c.display}` : ''}`;
}

function conceptText(cc: R4.CodeableConcept | undefined): string | undefined {
  const c = cc?.coding?.[0];
  return c ? codingText(c) : cc?.text;
}

/** The targets a concept's codings are bound to; several codings naming different targets are a conflict. */
function targetOf(cc: R4.CodeableConcept | undefined, ctx: Ctx, ref: string): CodeTarget | undefined {
  const found: CodeTarget[] = [];
  for (const c of cc?.coding ?? []) {
    const t = ctx.index.get(codeKey(c.system, c.code));
    if (t && !found.some((f) => sameTarget(f, t))) found.push(t);
  }
  if (found.length > 1) {
    ctx.notes.push({ resource: ref, code: conceptText(cc) ?? '', message: 'its codings are bound to different fields or values; not imported' });
    return undefined;
  }
  return found[0];
}

function sameTarget(a: CodeTarget, b: CodeTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'field' && b.kind === 'field') return a.path === b.path;
  if (a.kind === 'enumValue' && b.kind === 'enumValue') return a.path === b.path && a.value === b.value;
  if (a.kind === 'recordValue' && b.kind === 'recordValue') return a.records === b.records && a.value === b.value;
  return a.kind === 'evidence' && b.kind === 'evidence' && a.paths.join() === b.paths.join();
}

function afterAsOf(date: string | undefined, ctx: Ctx, ref: string, code: string | undefined): boolean {
  if (!ctx.asOf || !date || compareDates(date, ctx.asOf) <= 0) return false;
  ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message: `dated ${date}, after the screening date ${ctx.asOf}; not used` });
  return true;
}

function importPatient(p: R4.Patient, ctx: Ctx, out: Record<string, unknown>, set: (path: string, value: unknown, ref: string) => void) {
  const ref = `Patient/${p.id ?? '?'}`;
  if (p.id) out.id = p.id;
  const birth = dateOf(p.birthDate);
  if (birth && p.birthDate?.length === 10) set('demographics.birthDate', birth, ref);
  else ctx.notes.push({ resource: ref, message: p.birthDate ? `birth date "${p.birthDate}" is not a full date; left unknown` : 'no birth date' });
  if (p.gender === 'female' || p.gender === 'male') set('demographics.sex', p.gender, ref);
  else ctx.notes.push({ resource: ref, message: `gender ${p.gender ?? 'not given'}: sex left unknown` });
}

const UNUSABLE_OBSERVATION = new Set(['registered', 'preliminary', 'cancelled', 'entered-in-error', 'unknown']);

function importObservation(o: R4.Observation, ref: string, ctx: Ctx, values: Map<string, Dated<unknown>[]>) {
  const target = targetOf(o.code, ctx, ref);
  const code = conceptText(o.code);
  if (!target) {
    if (o.code?.coding?.some((c) => ctx.index.has(codeKey(c.system, c.code)))) return;
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message: 'no dictionary field is bound to this code' });
    return;
  }
  if (target.kind !== 'field') {
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message: 'this code names a diagnosis or drug, not an observation result; not imported' });
    return;
  }
  if (UNUSABLE_OBSERVATION.has(o.status)) {
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message: `status ${o.status}: not a final result; not used` });
    return;
  }
  const date = dateOf(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant);
  if (!date) {
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message: 'no effective date: not used' });
    return;
  }
  if (afterAsOf(date, ctx, ref, code)) return;
  const value = observationValue(o, target.def, ref, code, ctx, date);
  if (value === undefined) return;
  const list = values.get(target.path) ?? [];
  list.push({ date, value, ref });
  values.set(target.path, list);
}

function unitOf(q: R4.Quantity | undefined): string | undefined {
  const u = q?.system === UCUM || !q?.unit ? (q?.code ?? q?.unit) : q.unit;
  return u === undefined ? undefined : (UNIT_ALIASES[u] ?? u);
}

/** The field's value from the observation, in the patient file's input form, or undefined (noted). */
function observationValue(o: R4.Observation, def: FieldDef, ref: string, code: string | undefined, ctx: Ctx, date: string): unknown {
  const note = (message: string) => {
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message });
    return undefined;
  };
  if (def.type === 'boolean') {
    if (typeof o.valueBoolean === 'boolean') return o.valueBoolean;
    for (const c of o.valueCodeableConcept?.coding ?? []) if (c.system === SNOMED && c.code && c.code in RESULT_CODES) return RESULT_CODES[c.code];
    for (const cc of o.interpretation ?? []) for (const c of cc.coding ?? []) if (c.system === INTERPRETATION && c.code && c.code in INTERPRETATION_CODES) return INTERPRETATION_CODES[c.code];
    return note('the result is not a coded positive or negative; left unknown');
  }
  if (def.type !== 'lab' && def.type !== 'number' && def.type !== 'integer') return note(`cannot fill a ${def.type} field from an observation`);
  const q = o.valueQuantity;
  if (!q || typeof q.value !== 'number') return note(o.dataAbsentReason ? 'no value (data absent)' : 'the value is not a quantity; left unknown');
  if (q.comparator) return note(`the value is "${q.comparator} ${q.value}", not an exact number; left unknown`);
  const unit = unitOf(q);
  const accepted = [def.unit ?? '', ...Object.keys(def.convert ?? {})];
  if (!unit || !accepted.includes(unit)) return note(`unit "${unit ?? 'none'}" cannot be converted to ${def.unit ?? 'the field unit'} (accepted: ${accepted.join(', ')}); left unknown`);
  if (def.type !== 'lab') return unit === def.unit ? q.value : { value: q.value, unit };
  const highs = (o.referenceRange ?? []).map((r) => r.high).filter((h): h is R4.Quantity => typeof h?.value === 'number');
  if (highs.length === 0) return note("no reference range with an upper limit: the lab's ULN is unknown, so the result is not imported (enter it with the lab's ULN)");
  if (new Set(highs.map((h) => `${h.value} ${unitOf(h) ?? unit}`)).size > 1) return note('several different reference ranges: which ULN applies is for a person to say; not imported');
  const high = highs[0] as R4.Quantity;
  const highUnit = unitOf(high) ?? unit;
  if (highUnit !== unit) return note(`the reference range is in ${highUnit}, the value in ${unit}; not imported`);
  return { value: q.value, unit, uln: high.value, date };
}

/** The latest value; two different values on the latest date are a conflict and stay unknown. */
function pickLatest(values: Dated<unknown>[], path: string, ctx: Ctx): Dated<unknown> | undefined {
  const sorted = [...values].sort((a, b) => compareDates(b.date, a.date));
  const latest = sorted[0];
  if (!latest) return undefined;
  const same = sorted.filter((v) => v.date === latest.date);
  if (new Set(same.map((v) => JSON.stringify(v.value))).size > 1) {
    ctx.notes.push({ resource: same.map((v) => v.ref).join(', '), message: `different ${path} results on ${latest.date}; left unknown` });
    return undefined;
  }
  return latest;
}

const IGNORED_VERIFICATION = new Set(['refuted', 'entered-in-error']);
const UNCONFIRMED_VERIFICATION = new Set(['unconfirmed', 'provisional', 'differential']);
const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const ENDED_CLINICAL = new Set(['inactive', 'remission', 'resolved']);

function statusCode(cc: R4.CodeableConcept | undefined): string | undefined {
  return cc?.coding?.[0]?.code;
}

function importCondition(c: R4.Condition, ref: string, ctx: Ctx, subtypes: Dated<string>[], records: Map<string, Record<string, unknown>[]>, refs: Map<string, string[]>) {
  const target = targetOf(c.code, ctx, ref);
  const code = conceptText(c.code);
  const note = (message: string) => ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message });
  if (!target) {
    if (!c.code?.coding?.some((x) => ctx.index.has(codeKey(x.system, x.code)))) note('no dictionary field is bound to this code');
    return;
  }
  const verification = statusCode(c.verificationStatus);
  if (verification && IGNORED_VERIFICATION.has(verification)) return note(`verification status ${verification}: ignored`);
  if (verification && UNCONFIRMED_VERIFICATION.has(verification)) return note(`verification status ${verification}: not a confirmed diagnosis; not imported`);
  const onset = dateOf(c.onsetDateTime ?? c.onsetPeriod?.start);
  const recorded = dateOf(c.recordedDate);
  const date = onset ?? recorded;
  if (afterAsOf(date, ctx, ref, code)) return;
  const clinical = statusCode(c.clinicalStatus);
  if (target.kind === 'evidence') {
    return note(`on the record${clinical ? ` (${clinical})` : ''}${date ? ` since ${date}` : ''}: ${target.paths.join(' and ')} ${target.paths.length > 1 ? 'are' : 'is'} for a person to decide`);
  }
  if (target.kind === 'enumValue' && target.path === 'diagnosis.subtype') {
    if (!onset && recorded) note(`no onset date: the date recorded (${recorded}) is taken as the diagnosis date`);
    subtypes.push({ date: date ?? '', value: target.value, ref });
    return;
  }
  if (target.kind === 'recordValue' && target.records === 'malignancies') {
    const record: Record<string, unknown> = { type: target.value };
    if (date) record.diagnosisDate = date;
    if (clinical && ACTIVE_CLINICAL.has(clinical)) record.active = true;
    else if (clinical && ENDED_CLINICAL.has(clinical)) {
      record.active = false;
      const resolved = dateOf(c.abatementDateTime ?? c.abatementPeriod?.end);
      if (resolved) record.resolvedDate = resolved;
    } else note('no clinical status: whether it is present now is unknown');
    records.get('malignancies')?.push(record);
    refs.get('malignancies')?.push(ref);
    return;
  }
  note('this code does not name a diagnosis; not imported');
}

/** One diagnosis subtype, from the earliest condition; two different subtypes stay unknown. */
function pickSubtype(subtypes: Dated<string>[], ctx: Ctx): { value: string; date?: string; ref: string } | undefined {
  const values = new Set(subtypes.map((s) => s.value));
  if (values.size > 1) {
    ctx.notes.push({ resource: subtypes.map((s) => s.ref).join(', '), message: `conditions name different myositis diagnoses (${[...values].join(', ')}); diagnosis.subtype left for a person` });
    return undefined;
  }
  const dated = subtypes.filter((s) => s.date).sort((a, b) => compareDates(a.date, b.date));
  const first = dated[0] ?? subtypes[0];
  if (!first) return undefined;
  return { value: first.value, ...(first.date ? { date: first.date } : {}), ref: first.ref };
}

function importProcedure(p: R4.Procedure, ref: string, ctx: Ctx, records: Map<string, Record<string, unknown>[]>, refs: Map<string, string[]>) {
  const target = targetOf(p.code, ctx, ref);
  const code = conceptText(p.code);
  const note = (message: string) => ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message });
  if (target?.kind !== 'recordValue' || target.records !== 'procedures') {
    if (!target) note('no dictionary field is bound to this code');
    else note('this code does not name a procedure; not imported');
    return;
  }
  if (p.status !== 'completed') return note(`status ${p.status}: not a completed procedure; not imported`);
  const date = dateOf(p.performedDateTime ?? p.performedPeriod?.start);
  if (afterAsOf(date, ctx, ref, code)) return;
  const record: Record<string, unknown> = { type: target.value };
  if (date) record.date = date;
  else note('no date performed');
  records.get('procedures')?.push(record);
  refs.get('procedures')?.push(ref);
  note('whether it shows active disease is not in the record: procedures[].showsActiveDisease is for a person');
}

type MedEntry = {
  drug: string;
  ref: string;
  start?: string;
  end?: string;
  state: 'active' | 'ended' | 'unknown';
  dose?: { dose: number; unit: string };
};

const REQUEST_IGNORED = new Set(['cancelled', 'entered-in-error', 'draft']);
const STATEMENT_IGNORED = new Set(['entered-in-error', 'intended', 'not-taken']);

/** The medication's concept: its own code, or the referenced Medication's code and ingredients. */
function medicationConcepts(m: R4.MedicationRequest | R4.MedicationStatement, ctx: Ctx): R4.CodeableConcept[] {
  if (m.medicationCodeableConcept) return [m.medicationCodeableConcept];
  const reference = m.medicationReference?.reference;
  const med = reference ? ctx.medications.get(reference) : undefined;
  if (!med) return [];
  return [...(med.code ? [med.code] : []), ...(med.ingredient ?? []).flatMap((i) => (i.itemCodeableConcept ? [i.itemCodeableConcept] : []))];
}

function medicationEntry(m: R4.MedicationRequest | R4.MedicationStatement, ref: string, ctx: Ctx): MedEntry | undefined {
  const concepts = medicationConcepts(m, ctx);
  const code = concepts.map(conceptText).find((t) => t) ?? m.medicationReference?.display;
  const note = (message: string) => {
    ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message });
    return undefined;
  };
  const targets = concepts.map((cc) => targetOf(cc, ctx, ref)).filter((t): t is CodeTarget => t !== undefined);
  const drugs = new Set(targets.flatMap((t) => (t.kind === 'recordValue' && t.records === 'medications' ? [t.value] : [])));
  if (drugs.size === 0) return note('not an RxNorm ingredient the dictionary binds (a clinical-drug code needs mapping to its ingredient by a person)');
  if (drugs.size > 1) return note(`names several dictionary drugs (${[...drugs].join(', ')}); not imported`);
  const drug = [...drugs][0] as string;
  const isRequest = m.resourceType === 'MedicationRequest';
  if (isRequest ? REQUEST_IGNORED.has(m.status) : STATEMENT_IGNORED.has(m.status)) return note(`status ${m.status}: ignored`);
  if (isRequest && (m as R4.MedicationRequest).intent === 'proposal') return note('a proposal, not an order: ignored');
  const dosage = isRequest ? (m as R4.MedicationRequest).dosageInstruction?.[0] : (m as R4.MedicationStatement).dosage?.[0];
  const bounds = dosage?.timing?.repeat?.boundsPeriod;
  let start: string | undefined;
  let end: string | undefined;
  if (isRequest) {
    start = dateOf(bounds?.start);
    end = dateOf(bounds?.end);
    if (!start) {
      start = dateOf((m as R4.MedicationRequest).authoredOn);
      if (start) note(`no dosage start date: the date prescribed (${start}) is taken as the start`);
    }
  } else {
    const s = m as R4.MedicationStatement;
    start = dateOf(s.effectivePeriod?.start ?? s.effectiveDateTime);
    end = dateOf(s.effectivePeriod?.end);
  }
  if (afterAsOf(start, ctx, ref, code)) return undefined;
  const state: MedEntry['state'] = m.status === 'active' ? 'active' : m.status === 'completed' || m.status === 'stopped' ? 'ended' : 'unknown';
  if (state === 'unknown') note(`status ${m.status}: whether it is still taken is unknown`);
  if (state === 'ended' && !end) note('ended, but no end date: the date of the last dose is unknown');
  const dose = doseOf(dosage);
  if (!dose) note('dose not given as an amount in mg (daily, weekly, or once): dose history left unknown');
  return { drug, ref, ...(start ? { start } : {}), ...(end ? { end } : {}), state, ...(dose ? { dose } : {}) };
}

/**
 * mg/day or mg/week from a dose quantity in mg and a timing of n times per period; with no timing
 * at all (an infusion), the amount given, in mg.
 */
function doseOf(d: R4.Dosage | undefined): { dose: number; unit: string } | undefined {
  const q = d?.doseAndRate?.[0]?.doseQuantity;
  if (!q || typeof q.value !== 'number' || unitOf(q) !== 'mg') return undefined;
  const repeat = d?.timing?.repeat;
  if (!d?.timing) return { dose: q.value, unit: 'mg' };
  if (!repeat) return undefined;
  const frequency = repeat.frequency ?? 1;
  const period = repeat.period ?? 1;
  if (repeat.frequencyMax !== undefined || repeat.periodMax !== undefined || period <= 0) return undefined;
  const perPeriod = (q.value * frequency) / period;
  if (repeat.periodUnit === 'd') return { dose: perPeriod, unit: 'mg/day' };
  if (repeat.periodUnit === 'wk') return { dose: perPeriod, unit: 'mg/week' };
  return undefined;
}

/**
 * One medication record per course of a drug: prescriptions of the same drug that follow one
 * another (the earlier one still active, or ending no more than a day before the next starts)
 * are one course with a dose history; a gap, or an end that is not known, starts a new course.
 */
function medicationRecords(entries: MedEntry[], ctx: Ctx): { record: Record<string, unknown>; refs: string[] }[] {
  const out: { record: Record<string, unknown>; refs: string[] }[] = [];
  const byDrug = new Map<string, MedEntry[]>();
  for (const e of entries) byDrug.set(e.drug, [...(byDrug.get(e.drug) ?? []), e]);
  for (const list of byDrug.values()) {
    const undated = list.filter((e) => !e.start);
    const dated = list.filter((e) => e.start).sort((a, b) => compareDates(a.start as string, b.start as string));
    const courses: MedEntry[][] = [];
    for (const e of dated) {
      const course = courses[courses.length - 1];
      const prev = course?.[course.length - 1];
      const continues = prev && (prev.state === 'active' || (prev.end !== undefined && compareDates(shift(prev.end, { days: 1 }, 1), e.start as string) >= 0));
      if (course && continues) course.push(e);
      else courses.push([e]);
    }
    for (const e of undated) courses.push([e]);
    for (const course of courses) out.push({ record: courseRecord(course, ctx), refs: course.map((e) => e.ref) });
  }
  return out;
}

function courseRecord(course: MedEntry[], ctx: Ctx): Record<string, unknown> {
  const first = course[0] as MedEntry;
  const last = course[course.length - 1] as MedEntry;
  const record: Record<string, unknown> = { drug: first.drug };
  if (first.start) record.start = first.start;
  if (last.state === 'active') record.ongoing = true;
  else if (last.state === 'ended' && last.end) record.stop = last.end;
  const doses = course.filter((e) => e.dose && e.start);
  const sameDay = new Set(doses.map((e) => e.start)).size !== doses.length;
  if (doses.length === course.length && !sameDay) record.doses = doses.map((e) => ({ date: e.start as string, dose: e.dose?.dose as number, unit: e.dose?.unit as string }));
  else if (sameDay) ctx.notes.push({ resource: course.map((e) => e.ref).join(', '), message: `two ${first.drug} doses start on the same date: dose history left unknown` });
  return record;
}
