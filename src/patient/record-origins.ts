// Record numbers as the patient file has them. The reader joins two records of one drug that are
// one course (parse.ts) and the engine numbers records by the list it is given; every consumer of
// results (reports, batch rows, the questionnaire) renumbers them here first, so a record named
// in any output is the file's record: a joined one by the record it was kept as (whose fields it carries).
import type { OutcomeSummary } from '../engine/evaluate.js';
import type { DrugRef, Fact, Missing, MissingEntry, ScreeningResult, Trace } from '../engine/result.js';

/**
 * For each list whose records the reader joined: for each record it kept, the positions in the
 * file of the records it stands for: the one it was kept as first (it carries that record's
 * fields, so a result names it), then the others it took in, ascending.
 */
export type RecordOrigins = Readonly<Record<string, readonly (readonly number[])[]>>;

/** The result with every record reference (paths, indexes, chains) naming the file's records. */
export function inFileNumbering<R extends ScreeningResult | OutcomeSummary>(result: R, origins: RecordOrigins | undefined): R {
  if (origins === undefined) return result;
  const o = origins;
  if (!('trial' in result)) return { ...result, missing: result.missing.map((m) => missingIn(m, o)) };
  const full = result as ScreeningResult;
  const renumbered: ScreeningResult = {
    ...full,
    criteria: full.criteria.map((c) => ({ ...c, trace: traceIn(c.trace, o, undefined), missing: c.missing.map((m) => missingIn(m, o)) })),
    missing: full.missing.map((m) => entryIn(m, o)),
  };
  return renumbered as R;
}

/** The file positions of record `index` of `list` (the index alone when the list was not joined). */
function positionsOf(o: RecordOrigins, list: string, index: number): readonly number[] {
  return (Object.hasOwn(o, list) ? o[list]?.[index] : undefined) ?? [index];
}

const filePosition = (o: RecordOrigins, list: string, index: number): number => positionsOf(o, list, index)[0] ?? index;

/** A record's path: its list and index (`medications`, `1` of `medications[1].stop`). */
const RECORD_PATH = /^([A-Za-z_$][\w$.]*)\[(\d+)\]/;

/** `medications[1].stop` -> `medications[2].stop` when the file's record #3 is the list's #2. */
export function filePath(path: string, o: RecordOrigins): string {
  const m = RECORD_PATH.exec(path);
  if (!m) return path;
  const [whole, list = '', at = '0'] = m;
  return `${list}[${filePosition(o, list, Number(at))}]${path.slice(whole.length)}`;
}

/** The list a path's record belongs to (`medications` of `medications[1].stop`). */
const listOf = (path: string): string | undefined => RECORD_PATH.exec(path)?.[1];

function missingIn<M extends Missing>(m: M, o: RecordOrigins): M {
  return { ...m, field: filePath(m.field, o) };
}

function entryIn(m: MissingEntry, o: RecordOrigins): MissingEntry {
  const out = missingIn(m, o);
  if (!m.record) return out;
  const [first = m.record.index, ...others] = positionsOf(o, m.record.list, m.record.index);
  return { ...out, record: { ...m.record, index: first, ...(others.length ? { joinedWith: others } : {}) } };
}

function drugIn(d: DrugRef, o: RecordOrigins, list: string | undefined): DrugRef {
  return list === undefined ? d : { ...d, index: filePosition(o, list, d.index) };
}

/** The file's other records joined into the one a path names (its value may be theirs), when any. */
function joinedWithOf(path: string, o: RecordOrigins): { joinedWith?: number[] } {
  const m = RECORD_PATH.exec(path);
  const others = m ? positionsOf(o, m[1] ?? '', Number(m[2])).slice(1) : [];
  return others.length ? { joinedWith: [...others] } : {};
}

function factIn(f: Fact, o: RecordOrigins): Fact {
  const field = filePath(f.field, o);
  const at = { field, ...joinedWithOf(f.field, o) };
  if (!('role' in f)) return { ...f, ...at };
  const role = f.role;
  // A calculator's drugs are records of the list its fact's path names.
  const list = listOf(f.field);
  switch (role.kind) {
    case 'prednisoneDose':
      return { ...f, ...at, role: { ...role, drug: drugIn(role.drug, o, list) } };
    case 'intoleranceCourse':
    case 'combinedCourse':
      return { ...f, ...at, role: { ...role, drug: drugIn(role.drug, o, list), ...(role.partners ? { partners: role.partners.map((p) => drugIn(p, o, list)) } : {}) } };
    default:
      return { ...f, ...at };
  }
}

/** `list`: the records list of the nearest record node above (the scope of a medication rule). */
function traceIn(t: Trace, o: RecordOrigins, list: string | undefined): Trace {
  const scope = t.kind === 'item' && t.detail ? t.detail.list : list;
  const out = { ...t, facts: t.facts.map((f) => factIn(f, o)), missing: t.missing.map((m) => missingIn(m, o)) } as Trace;
  if (out.kind === 'item' && out.detail) out.detail = { ...out.detail, index: filePosition(o, out.detail.list, out.detail.index) };
  if ((out.kind === 'takenFor' || out.kind === 'stoppedCourse') && out.detail && 'chainRecords' in out.detail && out.detail.chainRecords !== undefined && scope !== undefined) {
    // (Every file record in the chain, those joined into one of its records too.)
    const chain = out.detail.chainRecords.split(',').flatMap((i) => positionsOf(o, scope, Number(i))).sort((i, j) => i - j);
    out.detail = { ...out.detail, chainRecords: chain.join(',') };
  }
  if (t.children) out.children = t.children.map((c) => traceIn(c, o, scope));
  return out;
}
