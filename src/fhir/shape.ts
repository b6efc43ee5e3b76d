// Shape guards for the parts of a resource the importer reads. A bundle is untrusted JSON: a
// `coding` written as an object, a `null` in a list or a number where a date goes must not crash
// the import, and must not be read as something else. The first element of the wrong type is
// returned as a JSON path into the bundle, so the resource can be skipped with a located note.

type Kind = 'reference' | 'string' | 'number' | 'boolean' | 'object' | 'concept' | 'concepts' | 'quantity' | 'objects' | 'strings';

/** What each element the importer reads must be, by element name (whatever resource holds it). */
const KINDS: Record<string, Kind> = {
  id: 'string',
  status: 'string',
  intent: 'string',
  gender: 'string',
  birthDate: 'string',
  effectiveDateTime: 'string',
  effectiveInstant: 'string',
  onsetDateTime: 'string',
  abatementDateTime: 'string',
  recordedDate: 'string',
  performedDateTime: 'string',
  authoredOn: 'string',
  valueString: 'string',
  start: 'string',
  end: 'string',
  versionId: 'string',
  lastUpdated: 'string',
  periodUnit: 'string',
  valueBoolean: 'boolean',
  doNotPerform: 'boolean',
  frequency: 'number',
  frequencyMax: 'number',
  period: 'number',
  periodMax: 'number',
  sequence: 'number',
  meta: 'object',
  subject: 'reference',
  patient: 'reference',
  medicationReference: 'reference',
  effectivePeriod: 'object',
  onsetPeriod: 'object',
  abatementPeriod: 'object',
  performedPeriod: 'object',
  boundsPeriod: 'object',
  timing: 'object',
  repeat: 'object',
  code: 'concept',
  valueCodeableConcept: 'concept',
  verificationStatus: 'concept',
  clinicalStatus: 'concept',
  medicationCodeableConcept: 'concept',
  itemCodeableConcept: 'concept',
  type: 'concept',
  dataAbsentReason: 'concept',
  interpretation: 'concepts',
  appliesTo: 'concepts',
  valueQuantity: 'quantity',
  high: 'quantity',
  low: 'quantity',
  doseQuantity: 'quantity',
  referenceRange: 'objects',
  ingredient: 'objects',
  dosageInstruction: 'objects',
  dosage: 'objects',
  doseAndRate: 'objects',
  timeOfDay: 'strings',
  when: 'strings',
  dayOfWeek: 'strings',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function conceptProblem(v: unknown, path: string): string | undefined {
  if (!isObject(v)) return path;
  if (v.text !== undefined && typeof v.text !== 'string') return `${path}.text`;
  if (v.coding === undefined) return undefined;
  if (!Array.isArray(v.coding)) return `${path}.coding`;
  for (const [i, c] of v.coding.entries()) {
    if (!isObject(c)) return `${path}.coding[${i}]`;
    for (const k of ['system', 'code', 'display']) if (c[k] !== undefined && typeof c[k] !== 'string') return `${path}.coding[${i}].${k}`;
  }
  return undefined;
}

function quantityProblem(v: unknown, path: string): string | undefined {
  if (!isObject(v)) return path;
  if (v.value !== undefined && typeof v.value !== 'number') return `${path}.value`;
  for (const k of ['unit', 'code', 'system', 'comparator']) if (v[k] !== undefined && typeof v[k] !== 'string') return `${path}.${k}`;
  return undefined;
}

/** The JSON path of the first element of the wrong type in an object the importer reads, if any. */
export function shapeProblem(node: Record<string, unknown>, path: string): string | undefined {
  for (const [key, v] of Object.entries(node)) {
    // Of contained resources only Medications are read (through `#id`), so only they are checked.
    if (key === 'contained' && Array.isArray(v)) {
      const problem = v.map((x, i) => (x?.resourceType === 'Medication' ? shapeProblem(x, `${path}.contained[${i}]`) : undefined)).find((p) => p);
      if (problem) return problem;
    }
    const kind = KINDS[key];
    if (!kind || v === undefined) continue;
    const at = `${path}.${key}`;
    const problem = elementProblem(kind, v, at);
    if (problem) return problem;
  }
  return undefined;
}

function elementProblem(kind: Kind, v: unknown, at: string): string | undefined {
  switch (kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof v === kind ? undefined : at;
    case 'reference':
      if (!isObject(v)) return at;
      return v.reference !== undefined && typeof v.reference !== 'string' ? `${at}.reference` : undefined;
    case 'concept':
      return conceptProblem(v, at);
    case 'quantity':
      return quantityProblem(v, at);
    case 'object':
      return isObject(v) ? shapeProblem(v, at) : at;
    case 'concepts':
    case 'objects':
    case 'strings': {
      if (!Array.isArray(v)) return at;
      for (const [i, x] of v.entries()) {
        const p = kind === 'concepts' ? conceptProblem(x, `${at}[${i}]`) : kind === 'strings' ? (typeof x === 'string' ? undefined : `${at}[${i}]`) : isObject(x) ? shapeProblem(x, `${at}[${i}]`) : `${at}[${i}]`;
        if (p) return p;
      }
      return undefined;
    }
  }
}
