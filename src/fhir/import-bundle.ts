// FHIR R4 Bundle -> patient file, through the terminology bindings in the data dictionary. Pure:
// data in, data out (no files, no clock; the screening date comes in as `asOf`). It never guesses:
// a value it cannot read exactly stays unknown with a note, every list it fills is marked as not
// known to be complete, and every value it writes names the resource it came from.
import type * as R4 from 'fhir/r4.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef } from '../criteria/dictionary-schema.js';
import { compareDates, daysInMonth, isValidIsoDate, shift } from '../engine/dates.js';
import { PatientDataError } from '../errors.js';
import { buildCodeIndex, codeKey, systemName, type CodeIndex, type CodeTarget } from './code-index.js';
import { shapeProblem } from './shape.js';

/** One line of the import summary: which resource, which code, and why it was not (fully) used. */
export type ImportNote = { resource: string; code?: string; message: string };
export type ImportResult = { patient: Record<string, unknown>; notes: ImportNote[] };
export type ImportOptions = { asOf?: string };

/** The lists the importer fills. A bundle never proves that something did not happen. */
export const IMPORTED_LISTS = ['medications', 'procedures', 'malignancies'] as const;

const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const RANGE_MEANING = 'http://terminology.hl7.org/CodeSystem/referencerange-meaning';
/** UCUM codes whose dictionary spelling differs. */
const UNIT_ALIASES: Record<string, string> = { '[lb_av]': 'lb' };
const LOINC = 'http://loinc.org';
/**
 * The answers a yes/no serology result is read from, where the code's meaning is unambiguous:
 * positive, negative, or indeterminate (null). SNOMED CT qualifier values Positive, Reactive,
 * Detected / Negative, Non-reactive, Not detected / Indeterminate, Equivocal, Inconclusive; LOINC
 * answers Positive, Detected / Negative, Not detected / Equivocal, Inconclusive; HL7
 * ObservationInterpretation Positive, Detected, Reactive / Negative, Not detected, Non-reactive /
 * Indeterminate, Equivocal, Weakly reactive. Any other code (A, H, L, N: abnormal, high, low,
 * normal say nothing certain about presence) is not read.
 */
const RESULT_CODES = new Map<string, boolean | null>(
  ([
    [SNOMED, '10828004 11214006 260373001', '260385009 131194007 260415000', '82334004 42425007 419984006'],
    [LOINC, 'LA6576-8 LA11882-0', 'LA6577-6 LA11883-8', 'LA11885-3 LA9663-1'],
    [INTERPRETATION, 'POS DET RR', 'NEG ND NR', 'IND E WR'],
  ] as const).flatMap(([system, ...answers]) => answers.flatMap((codes, i) => codes.split(' ').map((c) => [codeKey(system, c), i === 0 ? true : i === 1 ? false : null] as const))),
);
/** The same answers in words, for text that must agree with the codes (text alone is never read). */
const RESULT_WORDS: Record<string, boolean | null> = { positive: true, pos: true, detected: true, reactive: true, negative: false, neg: false, 'not detected': false, 'non reactive': false, nonreactive: false, indeterminate: null, equivocal: null, inconclusive: null, 'weakly reactive': null };
/** Resource types the importer reads; anything else is listed once per type in the summary. */
const MAPPED = new Set(['Patient', 'Observation', 'Condition', 'MedicationRequest', 'MedicationStatement', 'Procedure', 'Medication']);

/** A myositis diagnosis from one Condition: its onset when a full date, else what the bundle had instead (for a note). */
type Subtype = { value: string; ref: string; code?: string; date?: string; lacking?: ConditionDate };
/**
 * Body weight has no window in the protocols, but a dose per kg needs today's weight: the
 * importer's rule is that a weight more than 3 months before the screening date is not current.
 */
const WEIGHT = 'demographics.weightKg';
const WEIGHT_WINDOW = { months: 3 };
/** A result on a date; `value` undefined when it could not be read (the reason is already noted). */
type Result = { date: string; value: unknown; ref: string };

type Ctx = {
  dict: Dictionary;
  index: CodeIndex;
  asOf: string | undefined;
  /** The calendar date of Bundle.timestamp (when the bundle was assembled), when it is a valid instant. */
  exported?: string | undefined;
  /** Why the export date is unknown, for a note: no Bundle.timestamp, or one that is not an instant. */
  unstamped?: string;
  notes: ImportNote[];
  /** The bundle's Medications, each with its address (`addressOf`). */
  medications: [string, R4.Medication][];
  /** The servers the bundle's http(s) fullUrls are on (`serverOf`): with more than one, a resource is who it is on its server. */
  servers: Set<string>;
};

export function importFhirBundle(bundle: unknown, dict: Dictionary, options: ImportOptions = {}): ImportResult {
  const ctx: Ctx = { dict, index: buildCodeIndex(dict), asOf: options.asOf, notes: [], medications: [], servers: new Set() };
  const entries = bundleResources(bundle, ctx);
  for (const { fullUrl } of entries) if (fullUrl !== undefined && HTTP.test(fullUrl)) ctx.servers.add(baseOf(fullUrl) ?? identity(fullUrl));
  const resources = aboutOnePatient(currentVersions(wellFormed(r4Only(entries), ctx), ctx), ctx);
  for (const e of resources) {
    const key = addressOf(e);
    if (e.resource.resourceType === 'Medication' && key) ctx.medications.push([key, e.resource as R4.Medication]);
  }
  const patients = resources.filter((r) => r.resource.resourceType === 'Patient');

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

  const fieldValues = new Map<string, Result[]>();
  const subtypes: Subtype[] = [];
  const records = new Map<string, Record<string, unknown>[]>(IMPORTED_LISTS.map((l) => [l, []]));
  const recordRefs = new Map<string, string[]>(IMPORTED_LISTS.map((l) => [l, []]));
  const medEntries: MedEntry[] = [];
  const skippedTypes = new Map<string, number>();

  for (const { resource, fullUrl } of resources) {
    const ref = refOf(resource);
    try {
      importResource(resource, ref, fullUrl);
    } catch (e) {
      // The shape guards should make this unreachable; if not, the resource is left out, said so.
      if (e instanceof PatientDataError) throw e;
      ctx.notes.push({ resource: ref, message: `could not be read (${(e as Error).message.slice(0, 80)}); not used` });
    }
  }

  function importResource(resource: R4.Resource, ref: string, fullUrl: string | undefined) {
    switch (resource.resourceType) {
      case 'Observation':
        importObservation(resource as R4.Observation, ref, ctx, fieldValues);
        break;
      case 'Condition':
        importCondition(resource as R4.Condition, ref, ctx, subtypes, records, recordRefs);
        break;
      case 'MedicationRequest':
      case 'MedicationStatement': {
        const entry = medicationEntry(resource as R4.MedicationRequest | R4.MedicationStatement, ref, ctx, fullUrl);
        if (entry) medEntries.push(entry);
        break;
      }
      case 'Procedure':
        importProcedure(resource as R4.Procedure, ref, ctx, records, recordRefs);
        break;
      case 'MedicationAdministration':
      case 'MedicationDispense':
        drugGivenElsewhere(resource as R4.MedicationAdministration | R4.MedicationDispense, ref, ctx, fullUrl);
        break;
      case 'OperationOutcome':
        ctx.notes.push({ resource: ref, message: 'the server reported a problem with the export: the bundle may be incomplete' });
        break;
      default:
        if (!MAPPED.has(resource.resourceType)) skippedTypes.set(resource.resourceType, (skippedTypes.get(resource.resourceType) ?? 0) + 1);
    }
  }

  for (const [path, values] of fieldValues) {
    const latest = pickLatest(values, path, ctx);
    if (!latest) continue;
    const stale = path === WEIGHT ? staleWeight(latest, ctx) : undefined;
    if (stale) {
      ctx.notes.push({ resource: latest.ref, message: stale });
      for (const v of values) if (v !== latest && v.ref !== latest.ref) ctx.notes.push({ resource: v.ref, message: `an earlier ${path} result (${v.date}); older still, not used` });
      continue;
    }
    set(path, latest.value, latest.ref);
    for (const v of values) if (v !== latest && v.ref !== latest.ref) ctx.notes.push({ resource: v.ref, message: `an earlier ${path} result; the latest (${latest.date}) is used` });
    // A lab carries its date; other values do not, so say how old the one taken is.
    if (ctx.dict.fields.get(path)?.type !== 'lab') ctx.notes.push({ resource: latest.ref, message: `${path} taken from the latest result, dated ${latest.date}` });
  }
  const subtype = pickSubtype(subtypes, ctx);
  if (subtype) {
    set('diagnosis.subtype', subtype.value, subtype.refs);
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

type Entry = { resource: R4.Resource; fullUrl: string | undefined; index: number };
/** How the notes name a resource: its type and id. */
const refOf = (r: R4.Resource) => `${r.resourceType}/${r.id ?? '?'}`;

function bundleResources(bundle: unknown, ctx: Ctx): Entry[] {
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) throw new PatientDataError([{ location: '$', message: 'expected a FHIR Bundle (a JSON object)' }]);
  const b = bundle as { resourceType?: unknown; entry?: unknown; type?: unknown; link?: unknown; timestamp?: unknown };
  if (b.resourceType !== 'Bundle') {
    const got = typeof b.resourceType === 'string' ? `a ${b.resourceType.slice(0, 40)} resource` : 'no resourceType';
    throw new PatientDataError([{ location: '$.resourceType', message: `expected a FHIR Bundle, got ${got}` }]);
  }
  // An instant has a time and a zone; anything less is not a reliable export time.
  if (typeof b.timestamp === 'string' && b.timestamp.length > 10) ctx.exported = dateOf(b.timestamp);
  ctx.unstamped = b.timestamp === undefined ? 'no Bundle.timestamp says when' : `Bundle.timestamp ${JSON.stringify(b.timestamp).slice(0, 40)} is not a valid instant`;
  if (b.type === 'history') throw new PatientDataError([{ location: '$.type', message: 'a history bundle holds past versions of each resource; export the current resources (a collection or searchset)' }]);
  if (Array.isArray(b.link) && b.link.some((l: unknown) => (l as { relation?: unknown } | null)?.relation === 'next')) {
    ctx.notes.push({ resource: 'Bundle', message: 'one page of a search (it links to a next page): the bundle may be incomplete; export every page' });
  }
  if (b.entry === undefined) return [];
  if (!Array.isArray(b.entry)) throw new PatientDataError([{ location: '$.entry', message: 'must be a list of entries' }]);
  return b.entry.map((e: unknown, i) => {
    const resource = (e as { resource?: unknown } | null)?.resource as { resourceType?: unknown } | undefined;
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      throw new PatientDataError([{ location: `$.entry[${i}].resource`, message: 'must be a FHIR resource with a resourceType' }]);
    }
    const fullUrl = (e as { fullUrl?: unknown }).fullUrl;
    return { resource: resource as R4.Resource, fullUrl: typeof fullUrl === 'string' ? fullUrl : undefined, index: i };
  });
}

/** Resource types of FHIR DSTU2 and STU3 that R4 does not have. */
const NOT_R4_TYPES: Record<string, string> = {
  ...Object.fromEntries(['Conformance', 'DeviceUseRequest', 'DiagnosticOrder', 'ImagingObjectSelection', 'MedicationOrder', 'Order', 'OrderResponse'].map((t) => [t, 'DSTU2'])),
  ...Object.fromEntries(['ExpansionProfile', 'ImagingManifest', 'Sequence', 'ServiceDefinition'].map((t) => [t, 'STU3'])),
  ...Object.fromEntries(['BodySite', 'DataElement', 'DeviceComponent', 'EligibilityRequest', 'EligibilityResponse', 'ProcedureRequest', 'ProcessRequest', 'ProcessResponse', 'ReferralRequest'].map((t) => [t, 'STU3/DSTU2'])),
};
/** Elements that only DSTU2 or STU3 have, on resources the importer reads. */
const NOT_R4_ELEMENTS: Record<string, Record<string, string>> = {
  MedicationStatement: { taken: 'STU3 (R4 has status not-taken)', wasNotTaken: 'DSTU2 (R4 has status not-taken)', patient: 'DSTU2 (R4 has subject)' },
  Condition: { patient: 'DSTU2 (R4 has subject)' },
  Observation: { patient: 'not R4 (R4 has subject)' },
  Procedure: { notDone: 'STU3 (R4 has status not-done)', notPerformed: 'DSTU2 (R4 has status not-done)' },
};

/**
 * The bundle must be FHIR R4: an older version reads differently with the same names (an STU3
 * MedicationStatement with taken "n" was not taken), so it is refused, naming the first clear sign.
 */
function r4Only(entries: Entry[]): Entry[] {
  for (const { resource, index } of entries) {
    const type = resource.resourceType;
    const r = resource as unknown as Record<string, unknown>;
    const refuse = (path: string, what: string) => {
      throw new PatientDataError([{ location: `$.entry[${index}].resource${path}`, message: `${what}; trial-screen reads FHIR R4 only (convert the bundle to R4)` }]);
    };
    if (NOT_R4_TYPES[type]) refuse('.resourceType', `${type} is a ${NOT_R4_TYPES[type]} resource, not R4`);
    for (const [element, version] of Object.entries(NOT_R4_ELEMENTS[type] ?? {})) if (r[element] !== undefined) refuse(`.${element}`, `${type} "${element}" is ${version}`);
    if (type !== 'Condition' && type !== 'AllergyIntolerance') continue;
    for (const element of ['clinicalStatus', 'verificationStatus']) {
      if (typeof r[element] === 'string') refuse(`.${element}`, `${type} "${element}" as a plain code ("${(r[element] as string).slice(0, 20)}") is STU3/DSTU2 (R4 has a CodeableConcept)`);
    }
  }
  return entries;
}

/** The resources whose elements have the types the importer reads; the others are left out, located. */
function wellFormed(entries: Entry[], ctx: Ctx): Entry[] {
  return entries.filter(({ resource, index }) => {
    if (!MAPPED.has(resource.resourceType)) return true;
    const problem = shapeProblem(resource as unknown as Record<string, unknown>, `$.entry[${index}].resource`);
    if (problem) ctx.notes.push({ resource: refOf(resource), message: `${problem} has the wrong type; not used` });
    return !problem;
  });
}

/** A number when a version id is one (versions are usually counters), else undefined. */
const versionNumber = (r: R4.Resource) => (r.meta?.versionId !== undefined && /^\d+$/.test(r.meta.versionId) ? Number(r.meta.versionId) : undefined);

/**
 * One resource per identity (`identityOf`: type and id, and on several servers the base). Copies that are the same are one; otherwise the newest by
 * meta.versionId (or meta.lastUpdated) is used and the others listed; copies that differ with
 * nothing to say which is current contradict each other and none is used.
 */
function currentVersions(entries: Entry[], ctx: Ctx): Entry[] {
  const byId = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = identityOf(e, ctx);
    if (key) byId.set(key, [...(byId.get(key) ?? []), e]);
  }
  const drop = new Set<Entry>();
  for (const copies of byId.values()) {
    if (copies.length < 2) continue;
    const ref = refOf((copies[0] as Entry).resource);
    const distinct = new Set(copies.map((c) => JSON.stringify(c.resource)));
    if (distinct.size === 1) {
      copies.slice(1).forEach((c) => drop.add(c));
      continue;
    }
    const rank = (c: Entry): number | undefined => {
      const v = versionNumber(c.resource);
      if (copies.every((x) => versionNumber(x.resource) !== undefined)) return v;
      const t = c.resource.meta?.lastUpdated ? Date.parse(c.resource.meta.lastUpdated) : NaN;
      return copies.every((x) => !Number.isNaN(Date.parse(x.resource.meta?.lastUpdated ?? ''))) ? t : undefined;
    };
    const ranks = copies.map(rank);
    const top = Math.max(...ranks.map((r) => r ?? -Infinity));
    const newest = copies.filter((_, i) => ranks[i] === top);
    if (ranks.some((r) => r === undefined) || new Set(newest.map((c) => JSON.stringify(c.resource))).size > 1) {
      copies.forEach((c) => drop.add(c));
      ctx.notes.push({ resource: ref, message: `${copies.length} different copies of this resource and nothing says which is current: not used` });
      continue;
    }
    copies.filter((c) => !newest.includes(c) || c !== newest[0]).forEach((c) => drop.add(c));
    ctx.notes.push({ resource: ref, message: `${copies.length} versions of this resource: the newest is used` });
  }
  return entries.filter((e) => !drop.has(e));
}

type Subject = { given: boolean; reference?: string; shown?: string; unplaced?: boolean; identifier?: { system?: string; value: string }; display?: string };

const HTTP = /^https?:\/\//i;
/**
 * A relative reference `[type]/[id]`. Any id is read, not only the spec's (at most 64 of
 * A-Z a-z 0-9 - .): EHRs send longer ones and ones with `_`, and a real id must not lose its server.
 */
const RELATIVE = /^[A-Z][A-Za-z]+\/[^/]+$/;

/**
 * A fullUrl or reference as compared: an http(s) URL with its scheme and host in lower case and a
 * default port left out (RFC 3986), its query and fragment dropped, the path as written; any of
 * them without a trailing `/` or a version (`/_history/3`), which name no other resource.
 */
function identity(u: string): string {
  let s = u;
  if (HTTP.test(u)) {
    try {
      const url = new URL(u);
      s = url.origin + url.pathname;
    } catch {}
  }
  return s.replace(/\/+$/, '').replace(/\/_history\/[^/]*$/, '');
}

/** True when the bundle's entries are on several servers (http(s) fullUrls with different bases): only then does a base tell two resources apart. */
const severalServers = (ctx: Ctx) => ctx.servers.size > 1;

/** Where a reference finds an entry: its fullUrl as an identity (base, type and id; a urn:uuid as is), or, with none, its type and id. */
const addressOf = (e: Entry) => (e.fullUrl !== undefined ? identity(e.fullUrl) : e.resource.id && refOf(e.resource));

/**
 * Who a resource is in the bundle: with its entries on one server (or none), its type and id, as on
 * that server, whatever its fullUrl; on several, its address (`addressOf`).
 */
const identityOf = (e: Entry, ctx: Ctx) => (severalServers(ctx) ? addressOf(e) : e.resource.id && refOf(e.resource));

/**
 * The service base of an http(s) fullUrl `[base]/[type]/[id]`, read as an identity (R4 Bundle,
 * resolving references in bundles); null when it is an http(s) URL of no such shape (an id longer
 * than 64 characters, no type), undefined when it is no http(s) URL.
 */
function baseOf(fullUrl: string | undefined): string | null | undefined {
  if (fullUrl === undefined || !HTTP.test(fullUrl)) return undefined;
  const m = /^(https?:\/\/.+\/)([^/]+\/[^/]+)$/.exec(identity(fullUrl));
  return m && RELATIVE.test(m[2] as string) ? (m[1] as string) : null;
}

/**
 * A reference as it is compared, read from the entry that holds it. With the bundle on one server
 * (or none), by type and id when it is relative or an address on that server, as that server reads
 * it, else (a urn:uuid, an address elsewhere) as an identity. On several, a relative `[type]/[id]` is
 * on the server of its entry's fullUrl; in an entry with a urn:uuid fullUrl, or none, it has no base
 * and stays as written; in one whose http(s) fullUrl has no base, it names no known server: undefined.
 */
function readRef(reference: string, fullUrl: string | undefined, ctx: Ctx): string | undefined {
  const ref = identity(reference);
  if (severalServers(ctx)) {
    const base = RELATIVE.test(ref) ? baseOf(fullUrl) : undefined;
    return base === null ? undefined : (base ?? '') + ref;
  }
  const base = baseOf(ref);
  return base && ctx.servers.has(base) ? ref.slice(base.length) : ref;
}

/**
 * How a resource names the patient it is about (`subject`, or `patient`): by reference, read
 * as the bundle's references are (`readRef`), and by identifier, either or both; `given` when it names one at all.
 */
function subjectOf(r: R4.Resource, fullUrl: string | undefined, ctx: Ctx): Subject {
  const s = (r as { subject?: unknown }).subject ?? (r as { patient?: unknown }).patient;
  if (s === null || typeof s !== 'object') return { given: false };
  const { reference, identifier, display } = s as { reference?: unknown; identifier?: { system?: unknown; value?: unknown } | null; display?: unknown };
  const out: Subject = { given: true, ...(typeof display === 'string' ? { display } : {}) };
  if (typeof reference === 'string') {
    const written = identity(reference);
    const read = readRef(reference, fullUrl, ctx);
    out.reference = read ?? written;
    out.shown = severalServers(ctx) && read !== undefined && read !== written ? `${written.slice(0, 80)} read against its fullUrl: ${read.slice(0, 80)}` : written.slice(0, 80);
    if (read === undefined) out.unplaced = true;
  }
  const system = systemOf(identifier?.system);
  if (typeof identifier?.value === 'string') out.identifier = { ...(system ? { system } : {}), value: identifier.value };
  return out;
}

/** An identifier's system; an empty string is none (it names no namespace to compare in). */
const systemOf = (s: unknown) => (typeof s === 'string' && s !== '' ? s : undefined);

const identifierText = (i: { system?: string; value: string }) => `${i.system ? `${i.system}|` : ''}${i.value}`.slice(0, 80);

/**
 * Resources about another patient than the bundle's Patient are left out and listed: a reference
 * to another patient, an identifier that is none of the Patient's (the system too, when both give
 * one), or a subject that names nobody checkable (a display only).
 */
function aboutOnePatient(entries: Entry[], ctx: Ctx): Entry[] {
  const patients = entries.filter((e) => e.resource.resourceType === 'Patient');
  if (patients.length > 1) throw new PatientDataError([{ location: '$.entry', message: `the bundle holds ${patients.length} Patient resources; import one patient's bundle at a time` }]);
  const patient = patients[0];
  if (!patient) {
    const key = (s: Subject) => s.reference ?? (s.identifier ? `identifier ${identifierText(s.identifier)}` : undefined);
    const subjects = new Set(entries.map((e) => key(subjectOf(e.resource, e.fullUrl, ctx))).filter((k) => k !== undefined));
    if (subjects.size > 1) throw new PatientDataError([{ location: '$.entry', message: `no Patient resource, and the resources are about ${subjects.size} different patients; import one patient's bundle at a time` }]);
    return entries;
  }
  const id = patient.resource.id;
  // A server address names the Patient only through the Patient's own fullUrl, read as references
  // are (a version, a trailing `/` or the host's case make no other patient): a URL on another
  // server, or any URL when the fullUrl is a urn:uuid or absent, is not checkable.
  const self = patient.fullUrl === undefined ? undefined : identity(patient.fullUrl);
  const server = self !== undefined && HTTP.test(self) ? self : undefined;
  const isThePatient = (ref: string) => ref === self || (id !== undefined && ref === `Patient/${id}`);
  const own = ((patient.resource as R4.Patient).identifier ?? []).filter((i) => typeof i?.value === 'string').map((i) => ({ system: systemOf(i.system), value: i.value }));
  /** An identifier the Patient's own can be compared with: one of theirs in its system (or without a system on either side). */
  const inSystem = (x: { system?: string | undefined }) => (i: { system?: string | undefined }) => !i.system || !x.system || i.system === x.system;
  const comparable = (x: { system?: string; value: string }) => own.some(inSystem(x));
  const isOwnIdentifier = (x: { system?: string; value: string }) => own.some((i) => i.value === x.value && inSystem(x)(i));
  const who = `Patient/${id ?? '?'}`;
  return entries.filter((e) => {
    const s = subjectOf(e.resource, e.fullUrl, ctx);
    // A subject that gives both a reference and an identifier must name the Patient by both, where
    // the identifier can be compared at all: one in a system the Patient does not list (an
    // enterprise index beside the MRN) says nothing against a reference that names the Patient.
    const refOk = s.reference === undefined || (!s.unplaced && isThePatient(s.reference));
    const idOk = s.identifier === undefined || isOwnIdentifier(s.identifier) || (s.reference !== undefined && refOk && !comparable(s.identifier));
    if (!s.given || ((s.reference !== undefined || s.identifier) && refOk && idOk)) return true;
    ctx.notes.push({ resource: refOf(e.resource), message: whyNot(s, refOk, e.fullUrl) });
    return false;
  });

  /** Why a subject is not taken to be the Patient, saying no more than it shows. */
  function whyNot(s: Subject, refOk: boolean, fullUrl: string | undefined): string {
    const ref = s.reference?.slice(0, 80);
    const shown = s.shown;
    const though = ref !== undefined ? `, though its reference is ${shown}` : '';
    const x = s.identifier;
    if (s.unplaced) return `names its patient by ${ref}, relative to a fullUrl (${fullUrl?.slice(0, 80)}) that is not [base]/[type]/[id]: whether it is ${who} is unknown; not used`;
    if (ref !== undefined && !refOk) {
      if (HTTP.test(ref) && !server) return `names its patient by a server address (${shown}), and ${who} has none in the bundle (its fullUrl is not an http(s) address) to match it: not used`;
      return `about another patient (${shown}), not ${HTTP.test(ref) ? server : who}: not used`;
    }
    if (!x) return `names its patient ${s.display !== undefined ? `only by name ("${s.display.slice(0, 40)}")` : 'by nothing'}, not by reference or identifier: whether it is ${who} is unknown; not used`;
    // Another value in a system both give is another patient's; compared only through a missing system, it is not known to be.
    if (own.some((i) => i.system !== undefined && i.system === x.system)) return `about another patient (identifier ${identifierText(x)}), not ${who}${though}: not used`;
    if (comparable(x)) return `its identifier ${identifierText(x)} is none of ${who}'s, but ${x.system ? `${who} has one with` : 'gives'} no system to compare them in: whether it is ${who} is unknown${though}; not used`;
    return `names its patient only by identifier (${identifierText(x)}), and ${who} has no identifier ${own.length ? 'in that system ' : ''}to match it: not used`;
  }
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

/** FHIR R4 date / dateTime / instant: a time needs seconds and a time zone; a year or year-month is partial. */
const FHIR_DATE_TIME = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

/** The calendar date of a FHIR date or dateTime as written (no time-zone shift); partial or invalid dates are not dates. */
function dateOf(s: string | undefined): string | undefined {
  if (typeof s !== 'string' || !FHIR_DATE_TIME.test(s)) return undefined;
  const d = s.slice(0, 10);
  return d.length === 10 && isValidIsoDate(d) ? d : undefined;
}

/** Why a date element that is present is not used (partial or not a FHIR date), for a note. */
function dateProblem(s: string | undefined, what: string): string | undefined {
  if (s === undefined || dateOf(s) !== undefined) return undefined;
  return FHIR_DATE_TIME.test(s) && s.length < 10 ? `${what} "${s}" is not a full date` : `${what} "${s.slice(0, 40)}" is not a valid FHIR date`;
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

/** A note on a resource, with its code when it has one; undefined, for `return note(...)`. */
const noteOn = (ctx: Ctx, ref: string, code: string | undefined) => (message: string): undefined => {
  ctx.notes.push({ resource: ref, ...(code ? { code } : {}), message });
  return undefined;
};
const NO_FIELD = 'no dictionary field is bound to this code';

/** Whether a record is dated after the screening date (noted); `shown` names a partial date by what was given. */
function afterAsOf(date: string | undefined, ctx: Ctx, ref: string, code: string | undefined, shown = `dated ${date}`): boolean {
  if (!ctx.asOf || !date || compareDates(date, ctx.asOf) <= 0) return false;
  noteOn(ctx, ref, code)(`${shown}, after the screening date ${ctx.asOf}; not used`);
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

/** The only statuses of a result that has been released and stands. */
const FINAL_OBSERVATION = new Set(['final', 'amended', 'corrected']);

function importObservation(o: R4.Observation, ref: string, ctx: Ctx, values: Map<string, Result[]>) {
  const target = targetOf(o.code, ctx, ref);
  const code = conceptText(o.code);
  const note = noteOn(ctx, ref, code);
  if (!target) return o.code?.coding?.some((c) => ctx.index.has(codeKey(c.system, c.code))) ? undefined : note(NO_FIELD);
  if (target.kind !== 'field') return note('this code names a diagnosis or drug, not an observation result; not imported');
  if (!FINAL_OBSERVATION.has(o.status)) return note(`status ${o.status ?? 'not given'}: not a final result; not used`);
  const rawDate = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant;
  const date = dateOf(rawDate);
  if (!date) return note(`${dateProblem(rawDate, 'effective date') ?? 'no effective date'}: not used`);
  if (afterAsOf(date, ctx, ref, code)) return;
  // Kept even when it cannot be read: the latest result decides, and an unreadable one leaves the field unknown.
  const value = observationValue(o, target.def, ref, code, ctx, date);
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
  const note = noteOn(ctx, ref, code);
  if (def.type === 'boolean') {
    // Read only when every statement of the result is one read here and they all agree.
    const said = serologyStatements(o);
    const says = new Set(said.map((r) => r.says));
    const list = said.map((r) => `${r.from}: ${r.says === undefined ? 'not read' : r.says === null ? 'indeterminate' : r.says ? 'positive' : 'negative'}`).join('; ');
    const unknown = (why: string) => note(`${why} (${list}); left unknown — check the result with the lab`);
    if (said.length === 0) return note('no result given (no value or interpretation); left unknown — record the result');
    if (says.has(true) && says.has(false)) return unknown('the result says both positive and negative');
    if (!said.some((r) => r.coded)) return unknown('the result is not a coded positive or negative');
    if (says.size > 1 || !(says.has(true) || says.has(false))) return unknown('not every statement of the result reads as positive or negative');
    return said[0]?.says;
  }
  if (def.type !== 'lab' && def.type !== 'number' && def.type !== 'integer') return note(`cannot fill a ${def.type} field from an observation`);
  const q = o.valueQuantity;
  if (!q || typeof q.value !== 'number') return note(o.dataAbsentReason ? 'no value (data absent)' : 'the value is not a quantity; left unknown');
  if (q.comparator) return note(`the value is "${q.comparator} ${q.value}", not an exact number; left unknown`);
  if (!Number.isFinite(q.value)) return note(`the value ${q.value} is not a finite number; left unknown`);
  const unit = unitOf(q);
  const accepted = [def.unit ?? '', ...Object.keys(def.convert ?? {})];
  if (!unit || !accepted.includes(unit)) return note(`unit "${unit ?? 'none'}" cannot be converted to ${def.unit ?? 'the field unit'} (accepted: ${accepted.join(', ')}); left unknown`);
  if (def.type !== 'lab') {
    const canonical = q.value * (unit === def.unit ? 1 : (def.convert?.[unit] ?? 1));
    if ((def.min !== undefined && canonical < def.min) || (def.max !== undefined && canonical > def.max)) return note(`the value ${q.value} ${unit} is outside the possible range (${def.min ?? '…'} to ${def.max ?? '…'} ${def.unit ?? ''}); left unknown`);
    if (def.type === 'integer' && !Number.isInteger(canonical)) return note(`the value ${q.value} is not a whole number; left unknown`);
    return unit === def.unit ? q.value : { value: q.value, unit };
  }
  if (q.value < 0) return note(`the value ${q.value} is negative; left unknown`);
  // Only the normal range for everyone: a range for a subgroup (appliesTo: another sex or age) or of another kind is not the ULN.
  const ranges = (o.referenceRange ?? []).filter((r) => !r.appliesTo?.length && (!r.type || r.type.coding?.some((c) => c.system === RANGE_MEANING && c.code === 'normal')));
  if (ranges.length < (o.referenceRange ?? []).length) note('a reference range for a subgroup (appliesTo) or not the normal range is not used as the ULN');
  const highs = ranges.map((r) => r.high).filter((h): h is R4.Quantity => typeof h?.value === 'number');
  if (highs.length === 0) return note("no reference range with an upper limit: the lab's ULN is unknown, so the result is not imported (enter it with the lab's ULN)");
  if (new Set(highs.map((h) => `${h.value} ${unitOf(h) ?? ''}`)).size > 1) return note('several different reference ranges: which ULN applies is for a person to say; not imported');
  const high = highs[0] as R4.Quantity & { value: number };
  const highUnit = unitOf(high);
  if (!highUnit) return note('the reference range has no unit: whether it is in the value\'s unit is unknown; not imported');
  if (highUnit !== unit) return note(`the reference range is in ${highUnit}, the value in ${unit}; not imported`);
  if (!Number.isFinite(high.value) || high.value <= 0) return note(`the reference range upper limit ${high.value} is not a positive number; not imported`);
  return { value: q.value, unit, uln: high.value, date };
}

type Statement = { from: string; says: boolean | null | undefined; coded: boolean };

/**
 * Everything a yes/no result states, each with what it says (undefined: not read): a value of any
 * type, each coding of the value and of the interpretation (and its display when it names another
 * answer than its code), their text, a data-absent reason. Text is read only to agree with a code.
 */
function serologyStatements(o: R4.Observation): Statement[] {
  const out: Statement[] = [];
  const word = (t: string) => RESULT_WORDS[t.trim().toLowerCase().replace(/ \(qualifier value\)$/, '').replace(/[\s-]+/g, ' ')];
  const concept = (cc: R4.CodeableConcept, what: string) => {
    for (const c of cc.coding ?? []) {
      const says = RESULT_CODES.get(codeKey(c.system, c.code));
      out.push({ from: `${what} ${c.system === INTERPRETATION ? c.code : codingText(c)}`, says, coded: true });
      const shown = c.display === undefined ? undefined : word(c.display);
      if (says !== undefined && shown !== undefined && shown !== says) out.push({ from: `${what} display "${c.display}"`, says: shown, coded: false });
    }
    if (cc.text !== undefined) out.push({ from: `${what} text "${cc.text.slice(0, 40)}"`, says: word(cc.text), coded: false });
  };
  for (const [key, v] of Object.entries(o)) {
    if (key === 'valueBoolean') out.push({ from: `valueBoolean ${v}`, says: v as boolean, coded: true });
    else if (key === 'valueString') out.push({ from: `valueString "${(v as string).slice(0, 40)}"`, says: word(v as string), coded: false });
    else if (/^value[A-Z]/.test(key) && key !== 'valueCodeableConcept') out.push({ from: `${key} ${String(JSON.stringify(v)).slice(0, 60)}`, says: undefined, coded: false });
  }
  if (o.valueCodeableConcept) concept(o.valueCodeableConcept, 'value');
  for (const cc of o.interpretation ?? []) concept(cc, 'interpretation');
  if (o.dataAbsentReason) out.push({ from: `dataAbsentReason ${conceptText(o.dataAbsentReason) ?? 'given'}`, says: undefined, coded: false });
  return out;
}

/**
 * The latest result, chosen by date before anything else: when the latest cannot be read, the field
 * stays unknown (an older result is not the current one). Two different values on the latest date
 * are a conflict and stay unknown.
 */
function pickLatest(values: Result[], path: string, ctx: Ctx): Result | undefined {
  const sorted = [...values].sort((a, b) => compareDates(b.date, a.date));
  const latest = sorted[0];
  if (!latest) return undefined;
  const same = sorted.filter((v) => v.date === latest.date);
  const older = sorted.filter((v) => v.date !== latest.date);
  // Every result considered is listed: when the field stays unknown, the older ones say why they are not used.
  const listOlder = (why: string) => {
    for (const v of older) ctx.notes.push({ resource: v.ref, message: `an earlier ${path} result (${v.date}); ${why}, so this one is not used in its place` });
  };
  const unread = same.filter((v) => v.value === undefined);
  if (unread.length > 0) {
    // Alone, the unreadable result's own note says it all; with older results, say why they are not used.
    const readable = older.filter((v) => v.value !== undefined).length;
    const refs = unread.map((v) => v.ref).join(', ');
    if (readable > 0) ctx.notes.push({ resource: refs, message: `the latest ${path} result (${latest.date}) cannot be read: ${path} left unknown; ${readable} older result${readable > 1 ? 's are' : ' is'} not used in its place` });
    for (const v of same) {
      if (v.value !== undefined) ctx.notes.push({ resource: v.ref, message: `another ${path} result on ${latest.date} (${resultText(v.value)}), the same day as one that cannot be read (${refs}): ${path} left unknown` });
    }
    listOlder(`the latest (${latest.date}) cannot be read`);
    return undefined;
  }
  if (new Set(same.map((v) => JSON.stringify(v.value))).size > 1) {
    ctx.notes.push({ resource: same.map((v) => v.ref).join(', '), message: `different ${path} results on ${latest.date} (${same.map((v) => resultText(v.value)).join(', ')}); left unknown` });
    listOlder(`the latest results (${latest.date}) disagree`);
    return undefined;
  }
  return latest;
}

/** Why the latest body weight is not taken as the current one, if it is not. */
function staleWeight(latest: Result, ctx: Ctx): string | undefined {
  const weight = `body weight ${typeof latest.value === 'number' ? `${latest.value} kg` : resultText(latest.value)} on ${latest.date}`;
  if (!ctx.asOf) return `${weight}, and no screening date (--as-of) to tell whether it is current: ${WEIGHT} left unknown — give the screening date, or record a current weight`;
  if (compareDates(latest.date, shift(ctx.asOf, WEIGHT_WINDOW, -1)) >= 0) return undefined;
  return `${weight} is more than 3 months before the screening date ${ctx.asOf}: ${WEIGHT} left unknown — record a current weight`;
}

/** A result as a person reads it, for a note: positive / negative, or the value and unit. */
function resultText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'positive' : 'negative';
  if (value !== null && typeof value === 'object' && 'value' in value) return `${(value as { value: unknown }).value} ${(value as { unit?: unknown }).unit ?? ''}`.trim();
  return String(value).slice(0, 40);
}

const IGNORED_VERIFICATION = new Set(['refuted', 'entered-in-error']);
const UNCONFIRMED_VERIFICATION = new Set(['unconfirmed', 'provisional', 'differential']);
const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const ENDED_CLINICAL = new Set(['inactive', 'remission', 'resolved']);

const VERIFICATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION_CODES = new Set(['confirmed', ...IGNORED_VERIFICATION, ...UNCONFIRMED_VERIFICATION]);
const CLINICAL_CODES = new Set([...ACTIVE_CLINICAL, ...ENDED_CLINICAL]);

/**
 * A Condition status from the coding in HL7's code system (whichever position it is in), or a
 * coding with no system whose code is one of that system's; 'unreadable' when the concept is
 * given but says neither.
 */
function statusCode(cc: R4.CodeableConcept | undefined, system: string, known: Set<string>): string | undefined {
  if (!cc) return undefined;
  const codes = new Set((cc.coding ?? []).flatMap((c) => (c.code !== undefined && (c.system === system || (c.system === undefined && known.has(c.code))) ? [c.code] : [])));
  if (codes.size === 1) return [...codes][0];
  return 'unreadable';
}

function importCondition(c: R4.Condition, ref: string, ctx: Ctx, subtypes: Subtype[], records: Map<string, Record<string, unknown>[]>, refs: Map<string, string[]>) {
  const target = targetOf(c.code, ctx, ref);
  const code = conceptText(c.code);
  const note = noteOn(ctx, ref, code);
  if (!target) {
    if (!c.code?.coding?.some((x) => ctx.index.has(codeKey(x.system, x.code)))) note(NO_FIELD);
    return;
  }
  const verification = statusCode(c.verificationStatus, VERIFICATION_SYSTEM, VERIFICATION_CODES);
  if (verification === 'unreadable') return note(`verification status ${conceptText(c.verificationStatus) ?? 'given'} is not one coding in ${VERIFICATION_SYSTEM}: whether it is confirmed is unknown; not imported`);
  if (verification && IGNORED_VERIFICATION.has(verification)) return note(`verification status ${verification}: ignored`);
  if (verification && UNCONFIRMED_VERIFICATION.has(verification)) return note(`verification status ${verification}: not a confirmed diagnosis; not imported`);
  // The date recorded is when the entry was made (often a migration into a new EHR), never the date of diagnosis.
  const onset = conditionDate(c, 'onset');
  const recorded = dateOf(c.recordedDate);
  // Only the onset places a condition after the screening date (a partial one when it cannot be earlier), never the date recorded.
  if (afterAsOf(onset.date ?? firstPossibleDay(onset.partial), ctx, ref, code, onset.date ? undefined : `onset "${onset.partial}"`)) return;
  const clinicalCode = statusCode(c.clinicalStatus, CLINICAL_SYSTEM, CLINICAL_CODES);
  const clinical = clinicalCode === 'unreadable' ? undefined : clinicalCode;
  if (clinicalCode === 'unreadable') note(`clinical status ${conceptText(c.clinicalStatus) ?? 'given'} is not one coding in ${CLINICAL_SYSTEM}: read as not given`);
  if (target.kind === 'evidence') {
    return note(`on the record${clinical ? ` (${clinical} at export)` : ''}${onset.date ? ` since ${onset.date}` : ''}: ${target.paths.join(' and ')} ${target.paths.length > 1 ? 'are' : 'is'} for a person to decide`);
  }
  if (target.kind === 'enumValue' && target.path === 'diagnosis.subtype') {
    subtypes.push({ value: target.value, ref, ...(code ? { code } : {}), ...(onset.date ? { date: onset.date } : { lacking: { ...onset, ...(recorded ? { recorded } : {}) } }) });
    return;
  }
  if (target.kind === 'recordValue' && target.records === 'malignancies') {
    const record: Record<string, unknown> = { type: target.value };
    if (onset.date) record.diagnosisDate = onset.date;
    else note(unknownDate({ ...onset, ...(recorded ? { recorded } : {}) }, 'the diagnosis date'));
    // Present at screening only if something places it then: a full onset (checked above), an onset
    // year or month wholly before the date, or the entry made by then. A condition known only from
    // an entry made later may have begun after screening.
    const byScreening = (d: string | undefined) => ctx.asOf !== undefined && d !== undefined && compareDates(d, ctx.asOf) <= 0;
    const placed = !ctx.asOf || onset.date !== undefined || byScreening(onset.partial && lastPossibleDay(onset.partial)) || byScreening(recorded);
    if (clinical && ACTIVE_CLINICAL.has(clinical) && !placed) note(`${clinical}, ${onset.partial ? `onset "${onset.partial}"` : 'no onset date'}${recorded ? `, recorded ${recorded}` : ''}: nothing places it on or before the screening date ${ctx.asOf}; whether it was present then is for a person`);
    else if (clinical && ACTIVE_CLINICAL.has(clinical)) record.active = true;
    else if (clinical && ENDED_CLINICAL.has(clinical)) {
      const resolved = conditionDate(c, 'abatement');
      const day = resolved.date ?? firstPossibleDay(resolved.partial);
      // The clinical status is the one at export. Without a full resolution date it says nothing of
      // the screening date, unless the resolution (a year or month wholly before) or the export is not after it.
      const before = resolved.date !== undefined || byScreening(resolved.partial && lastPossibleDay(resolved.partial));
      // Resolved after the screening date: it had not resolved then.
      if (ctx.asOf && day && compareDates(day, ctx.asOf) > 0) note(`${clinical} ${resolved.date ? `on ${resolved.date}` : `in "${resolved.partial}"`}, after the screening date ${ctx.asOf}: whether it was active then is for a person`);
      else if (before || byScreening(ctx.exported)) {
        record.active = false;
        if (resolved.date) record.resolvedDate = resolved.date;
        else note(`${unknownDate(resolved, 'the resolution date')}${before ? '' : `; ${clinical} at export on ${ctx.exported}, not after the screening date`}`);
      } else note(`${resolved.had}, and ${clinical} is its status at export${ctx.exported ? ` on ${ctx.exported}` : ` (${ctx.unstamped})`}: whether it was active on the screening date${ctx.asOf ? ` ${ctx.asOf}` : ' (not given)'} is unknown — record the resolution date`);
    } else note('no clinical status: whether it is present now is unknown');
    records.get('malignancies')?.push(record);
    refs.get('malignancies')?.push(ref);
    return;
  }
  note('this code does not name a diagnosis; not imported');
}

/** What a Condition gives for its onset or abatement: a full date, or what it had instead. */
type ConditionDate = { date?: string; had?: string; partial?: string; recorded?: string };

/**
 * A Condition's onset (onsetDateTime, or the onset period's start) or abatement (abatementDateTime,
 * or the period's end) as a full date. A year or a year and month is not completed into a day, and
 * the date recorded is not put in its place: `had` says what the bundle gives instead.
 */
function conditionDate(c: R4.Condition, which: 'onset' | 'abatement'): ConditionDate {
  const period = which === 'onset' ? c.onsetPeriod : c.abatementPeriod;
  const raw = (which === 'onset' ? c.onsetDateTime : c.abatementDateTime) ?? (which === 'onset' ? period?.start : period?.end);
  const date = dateOf(raw);
  if (date) return { date };
  if (raw !== undefined) {
    const partial = FHIR_DATE_TIME.test(raw) && raw.length < 10;
    if (partial) return { had: `${which} "${raw}" is only a year${raw.length > 4 ? ' and month' : ''}`, partial: raw };
    return { had: `${which} "${raw.slice(0, 40)}" is not a valid FHIR date` };
  }
  if (period) return { had: `${which} period without ${which === 'onset' ? 'a start' : 'an end'}` };
  const given = c as unknown as Record<string, unknown>;
  const text = given[`${which}String`];
  if (typeof text === 'string') return { had: `${which} given as text ("${text.slice(0, 40)}")` };
  const other = ['Age', 'Range'].find((k) => given[`${which}${k}`] !== undefined);
  return { had: other ? `${which} given as ${other === 'Age' ? 'an age' : 'a range'}` : `no ${which} date` };
}

/** The note for a date left unknown: what the bundle had, and what to record. */
function unknownDate(d: ConditionDate, what: string): string {
  return `${d.had ?? 'no date'}${d.recorded ? `; recorded ${d.recorded}` : ''}: ${what} is left unknown — record it`;
}

/** The first day a partial date (a year, or a year and month) can be. */
const firstPossibleDay = (partial: string | undefined) => (partial ? `${partial.slice(0, 4)}-${partial.slice(5, 7) || '01'}-01` : undefined);
/** The last day a year or a year and month can be. */
const lastPossibleDay = (partial: string): string => {
  const year = Number(partial.slice(0, 4));
  const month = partial.length > 4 ? Number(partial.slice(5, 7)) : 12;
  const days = daysInMonth(year, month);
  return `${partial.slice(0, 4)}-${String(month).padStart(2, '0')}-${String(days).padStart(2, '0')}`;
};
/** A full date, or for a year or a year and month the first day it can be. */
const earliestDay = (d: string | undefined) => dateOf(d) ?? (d !== undefined && d.length < 10 && FHIR_DATE_TIME.test(d) ? firstPossibleDay(d) : undefined);

/**
 * One diagnosis subtype; two different subtypes stay unknown. Its date is the earliest onset, known
 * only when no condition of that diagnosis could be earlier: one whose onset is missing, or is a
 * year or month that may come before, leaves the diagnosis date unknown (noted, never guessed).
 */
function pickSubtype(subtypes: Subtype[], ctx: Ctx): { value: string; date?: string; ref: string; refs: string } | undefined {
  const values = new Set(subtypes.map((s) => s.value));
  if (values.size > 1) {
    ctx.notes.push({ resource: subtypes.map((s) => s.ref).join(', '), message: `conditions name different myositis diagnoses (${[...values].join(', ')}); diagnosis.subtype left for a person` });
    return undefined;
  }
  const dated = subtypes.filter((s) => s.date).sort((a, b) => compareDates(a.date as string, b.date as string));
  const first = dated[0] ?? subtypes[0];
  if (!first) return undefined;
  const undated = subtypes.filter((s) => {
    if (s.date) return false;
    const earliest = firstPossibleDay(s.lacking?.partial);
    return !first.date || !earliest || compareDates(earliest, first.date) < 0;
  });
  for (const s of undated) {
    const other = first.date ? ` (the onset ${first.date} of ${first.ref} may not be the first)` : '';
    ctx.notes.push({ resource: s.ref, ...(s.code ? { code: s.code } : {}), message: unknownDate(s.lacking ?? {}, `the diagnosis date${other}`) });
  }
  return { value: first.value, ...(first.date && undated.length === 0 ? { date: first.date } : {}), ref: first.ref, refs: subtypes.map((s) => s.ref).join(', ') };
}

function importProcedure(p: R4.Procedure, ref: string, ctx: Ctx, records: Map<string, Record<string, unknown>[]>, refs: Map<string, string[]>) {
  const target = targetOf(p.code, ctx, ref);
  const code = conceptText(p.code);
  const note = noteOn(ctx, ref, code);
  if (target?.kind !== 'recordValue' || target.records !== 'procedures') {
    if (!target) note(NO_FIELD);
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
/** Intents of a request that is an actual order; a plan, proposal or option is not a drug given. */
const ORDER_INTENTS = new Set(['order', 'original-order', 'reflex-order', 'filler-order', 'instance-order']);
const STATEMENT_IGNORED = new Set(['entered-in-error', 'intended', 'not-taken']);

/**
 * The medication's concept: its own code, or the referenced Medication's code and ingredients (a
 * contained one, `#med`, or one of the bundle); undefined when the reference, read as a subject's
 * is (`readRef`), names no single Medication (none, or, written with no base in a bundle on
 * several servers, one on each).
 */
function medicationConcepts(m: R4.MedicationRequest | R4.MedicationStatement | R4.MedicationAdministration | R4.MedicationDispense, ctx: Ctx, fullUrl: string | undefined): R4.CodeableConcept[] | undefined {
  if (m.medicationCodeableConcept) return [m.medicationCodeableConcept];
  const reference = m.medicationReference?.reference;
  if (typeof reference !== 'string') return [];
  // `#med`: the Medication contained in this resource with that id.
  // (Administrations and dispensings are not shape-checked: a contained Medication of the wrong shape is none.)
  const found = reference.startsWith('#') ? (Array.isArray(m.contained) ? m.contained : []).filter((r): r is R4.Medication => r?.resourceType === 'Medication' && `#${r.id}` === reference && !shapeProblem(r as unknown as Record<string, unknown>, '')) : bundleMedications(readRef(reference, fullUrl, ctx), ctx);
  const med = found.length === 1 ? found[0] : undefined;
  return med && [...(med.code ? [med.code] : []), ...(med.ingredient ?? []).flatMap((i) => (i.itemCodeableConcept ? [i.itemCodeableConcept] : []))];
}

/** The bundle's Medications a reference, read by `readRef`, names. */
function bundleMedications(key: string | undefined, ctx: Ctx): R4.Medication[] {
  return ctx.medications.filter(([k, med]) => k === key || `Medication/${med.id}` === key).map(([, med]) => med);
}

/**
 * A drug given (MedicationAdministration) or dispensed (MedicationDispense) is not read into the
 * medication list, which is built from prescriptions and statements; each is named, with its drug
 * and date, so that a person can check the list holds it (a rituximab infusion must not vanish
 * into a count). These types are not shape-checked, so every element is read defensively.
 */
function drugGivenElsewhere(m: R4.MedicationAdministration | R4.MedicationDispense, ref: string, ctx: Ctx, fullUrl: string | undefined) {
  const concepts = (medicationConcepts(m, ctx, fullUrl) ?? []).filter((cc) => cc !== null && typeof cc === 'object');
  const text = concepts.map((cc) => (Array.isArray(cc.coding) && cc.coding[0] !== null && typeof cc.coding[0] === 'object' ? codingText(cc.coding[0]) : cc.text)).find((t) => typeof t === 'string');
  const display = (m.medicationReference as { display?: unknown } | undefined)?.display;
  const code = text ?? (typeof display === 'string' ? display : undefined);
  const given = m.resourceType === 'MedicationAdministration';
  const raw = given ? ((m as R4.MedicationAdministration).effectiveDateTime ?? (m as R4.MedicationAdministration).effectivePeriod?.start) : ((m as R4.MedicationDispense).whenHandedOver ?? (m as R4.MedicationDispense).whenPrepared);
  const date = dateOf(raw);
  // A date that is not a full one is named as given, never dropped.
  const partial = !date && typeof raw === 'string';
  const details = [partial ? 'not a full date' : '', typeof m.status === 'string' ? `status ${m.status.slice(0, 20)}` : ''].filter((d) => d).join('; ');
  noteOn(ctx, ref, code)(`a drug ${given ? 'given' : 'dispensed'}${date ? ` on ${date}` : partial ? ` on "${raw.slice(0, 30)}"` : ''}${details ? ` (${details})` : ''}: ${given ? 'administrations' : 'dispensings'} are not read for screening; check that the medication list holds it`);
}

function medicationEntry(m: R4.MedicationRequest | R4.MedicationStatement, ref: string, ctx: Ctx, fullUrl: string | undefined): MedEntry | undefined {
  const concepts = medicationConcepts(m, ctx, fullUrl);
  const code = concepts?.map(conceptText).find((t) => t) ?? m.medicationReference?.display;
  const note = noteOn(ctx, ref, code);
  if (!concepts) return note(`medicationReference ${m.medicationReference?.reference?.slice(0, 80)} matches no single Medication ${m.medicationReference?.reference?.startsWith('#') ? 'contained in it' : 'in the bundle'}: the drug is unknown; not imported`);
  const targets = concepts.map((cc) => targetOf(cc, ctx, ref)).filter((t): t is CodeTarget => t !== undefined);
  const drugs = new Set(targets.flatMap((t) => (t.kind === 'recordValue' && t.records === 'medications' ? [t.value] : [])));
  if (drugs.size === 0) return note('not an RxNorm ingredient the dictionary binds (a clinical-drug code needs mapping to its ingredient by a person)');
  if (drugs.size > 1) return note(`names several dictionary drugs (${[...drugs].join(', ')}); not imported`);
  const drug = [...drugs][0] as string;
  const isRequest = m.resourceType === 'MedicationRequest';
  if (isRequest ? REQUEST_IGNORED.has(m.status) : STATEMENT_IGNORED.has(m.status)) return note(`status ${m.status}: ignored`);
  if (isRequest) {
    const req = m as R4.MedicationRequest;
    if (req.doNotPerform === true) return note('doNotPerform: an instruction not to give it; ignored');
    if (!ORDER_INTENTS.has(req.intent)) return note(`intent ${req.intent ?? 'not given'}: not an order; ignored`);
  }
  const dosages = (isRequest ? (m as R4.MedicationRequest).dosageInstruction : (m as R4.MedicationStatement).dosage) ?? [];
  const bounds = dosages.map((d) => d.timing?.repeat?.boundsPeriod);
  const unknownStart = (problem: string) => note(`${problem}: the start is left unknown — record it`);
  for (const b of bounds) for (const [what, raw] of [['dosage start', b?.start], ['dosage end', b?.end]] as const) {
    const problem = dateProblem(raw, what);
    if (problem && what === 'dosage end') note(`${problem}: not used`);
    else if (problem) unknownStart(problem);
  }
  let start: string | undefined;
  let end: string | undefined;
  let given: (string | undefined)[];
  if (isRequest) {
    // Several dosage instructions (a taper): from the first start to the last end, if every one has an end.
    // A start given but not a full date is never replaced by another date: the start stays unknown.
    given = bounds.flatMap((b) => (b?.start !== undefined ? [b.start] : []));
    const starts = given.map(dateOf);
    const ends = bounds.map((b) => dateOf(b?.end));
    start = starts.every((d) => d !== undefined) ? [...starts].sort(compareDates)[0] : undefined;
    end = ends.length > 0 && ends.every((d) => d !== undefined) ? [...ends].sort(compareDates)[ends.length - 1] : undefined;
    const authored = (m as R4.MedicationRequest).authoredOn;
    if (given.length === 0 && authored !== undefined) {
      given = [authored];
      // Only with no start given at all is the date prescribed taken as the start.
      start = dateOf(authored);
      const problem = dateProblem(authored, 'no dosage start, and the date prescribed');
      if (start) note(`no dosage start date: the date prescribed (${start}) is taken as the start`);
      else if (problem) unknownStart(problem);
    }
  } else {
    const s = m as R4.MedicationStatement;
    given = [s.effectivePeriod?.start ?? s.effectiveDateTime];
    start = dateOf(given[0]);
    end = dateOf(s.effectivePeriod?.end);
    const startProblem = dateProblem(s.effectivePeriod?.start ?? s.effectiveDateTime, s.effectivePeriod?.start !== undefined ? 'effective start' : 'effective date');
    if (startProblem) note(`${startProblem}: the start is left unknown — record it`);
    const endProblem = dateProblem(s.effectivePeriod?.end, 'effective end');
    if (endProblem) note(`${endProblem}: not used`);
  }
  // A start that is only a year or month is after the screening date when its first possible day is.
  const first = given.filter((d) => earliestDay(d)).sort((a, b) => compareDates(earliestDay(a) as string, earliestDay(b) as string))[0];
  if (afterAsOf(start ?? earliestDay(first), ctx, ref, code, start ? undefined : `start "${first}"`)) return undefined;
  let state: MedEntry['state'] = m.status === 'active' ? 'active' : m.status === 'completed' || m.status === 'stopped' ? 'ended' : 'unknown';
  if (state === 'unknown') note(`status ${m.status}: whether it is still taken is unknown`);
  if (state === 'active' && end) {
    // "active" does not outweigh a recorded end: an end before the screening date means not ongoing.
    if (!ctx.asOf) {
      state = 'unknown';
      note(`status active with an end date (${end}) and no screening date: whether it is still taken is unknown`);
    } else if (compareDates(end, ctx.asOf) < 0) {
      state = 'ended';
      note(`status active, but it ended on ${end}, before the screening date ${ctx.asOf}: not ongoing; ${end} is taken as the last dose`);
    } else end = undefined; // a planned end still to come
  } else if (state === 'ended' && end && ctx.asOf && compareDates(end, ctx.asOf) > 0) {
    note(`${m.status}, with an end date (${end}) after the screening date: a planned end, not the last dose; the date of the last dose is unknown`);
    end = undefined;
  } else if (state === 'ended' && !end) note('ended, but no end date: the date of the last dose is unknown');
  const dose = doseOf(dosages);
  if ('reason' in dose) note(`${dose.reason}: dose history left unknown`);
  return { drug, ref, ...(start ? { start } : {}), ...(end ? { end } : {}), state, ...('dose' in dose ? { dose } : {}) };
}

type Dose = { dose: number; unit: string } | { reason: string };

/**
 * mg/day or mg/week from one dosage instruction with one dose quantity in mg and a timing of n
 * times per period; with no timing at all (an infusion), the amount given, in mg. Anything that
 * would need interpreting (several instructions, a taper, a timing code, times of day that do
 * not agree with the frequency) is a reason, not a dose.
 */
function doseOf(dosages: R4.Dosage[]): Dose {
  if (dosages.length === 0) return { reason: 'no dosage' };
  if (dosages.length > 1) return { reason: dosages.some((d) => d.sequence !== undefined) ? 'a sequence of dosage instructions (a taper)' : 'several dosage instructions' };
  const d = dosages[0] as R4.Dosage;
  if ((d.doseAndRate?.length ?? 0) > 1) return { reason: 'several doses in one instruction' };
  if (d.asNeededBoolean === true || d.asNeededCodeableConcept) return { reason: 'taken as needed' };
  const q = d.doseAndRate?.[0]?.doseQuantity;
  if (!q || typeof q.value !== 'number' || unitOf(q) !== 'mg') return { reason: 'dose not given as an amount in mg' };
  if (!Number.isFinite(q.value) || q.value < 0) return { reason: `dose ${q.value} mg is not a possible amount` };
  if (!d.timing) return { dose: q.value, unit: 'mg' };
  const repeat = d.timing.repeat;
  if (!repeat) return { reason: 'a timing without a frequency' };
  if (d.timing.code && repeat.frequency === undefined) return { reason: `a timing code (${conceptText(d.timing.code) ?? 'given'}) without an explicit frequency` };
  if (repeat.frequencyMax !== undefined || repeat.periodMax !== undefined) return { reason: 'a range of frequencies' };
  const times = [repeat.timeOfDay, repeat.when].filter((x) => x?.length);
  const days = repeat.dayOfWeek?.length ?? 0;
  const period = repeat.period ?? 1;
  if (period <= 0) return { reason: 'a timing period that is not positive' };
  let perPeriod = q.value * (repeat.frequency ?? 1);
  let unit = repeat.periodUnit;
  if (times.length > 0 || days > 0) {
    // Times of day or days of the week, exactly: n times a day (or on n days a week), once a day or once a week.
    const n = times[0]?.length ?? 0;
    if (times.length > 1 || (n > 0 && days > 0)) return { reason: 'both times of day and days of the week' };
    const perDay = n > 0;
    const expectedUnit = perDay ? 'd' : 'wk';
    const count = perDay ? n : days;
    if (period !== 1 || (unit !== undefined && unit !== expectedUnit) || (repeat.frequency !== undefined && repeat.frequency !== count)) return { reason: 'times of day or days of the week that do not agree with the frequency' };
    perPeriod = q.value * count;
    unit = expectedUnit;
  }
  if (!Number.isFinite(perPeriod / period) || perPeriod < 0) return { reason: 'a frequency that gives no possible dose' };
  if (unit === 'd') return { dose: perPeriod / period, unit: 'mg/day' };
  if (unit === 'wk') return { dose: perPeriod / period, unit: 'mg/week' };
  return { reason: 'a timing that is not daily or weekly' };
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
  for (const e of course) {
    if (e.dose && !e.start) ctx.notes.push({ resource: e.ref, message: `a ${first.drug} dose of ${e.dose.dose} ${e.dose.unit} with no start date cannot be placed in a dose history: dose history left unknown` });
  }
  const sameDay = new Set(doses.map((e) => e.start)).size !== doses.length;
  if (doses.length === course.length && !sameDay) record.doses = doses.map((e) => ({ date: e.start as string, dose: e.dose?.dose as number, unit: e.dose?.unit as string }));
  else if (sameDay) ctx.notes.push({ resource: course.map((e) => e.ref).join(', '), message: `two ${first.drug} doses start on the same date: dose history left unknown` });
  return record;
}
