// The name of a fact, in words. A fact is either a field under its label from the criteria files,
// or a value in a role the rule gives it ({ kind: 'uln', of: 'CK' }); the engine records the role
// as data and every report words it here.
import type { DrugRef, Fact, FactRole, RecordName } from '../engine/result.js';
import type { ItemDetail } from '../rules/quantifier.js';

export function roleWords(role: FactRole): string {
  switch (role.kind) {
    case 'uln':
      return `${role.of} ULN`;
    case 'start':
      return 'start';
    case 'lastDose':
      return 'last dose';
    case 'ongoing':
      return 'ongoing';
    case 'doseFrom':
      return `dose from ${role.date}`;
    case 'listComplete':
      return `${role.list} list confirmed complete`;
    case 'referenceDate':
      return `${role.name} date`;
    case 'bodyWeight':
      return 'body weight';
    case 'imacsMeasure':
      return `${role.measure} ${role.at === 'baseline' ? 'baseline' : 'follow-up'}`;
    case 'prednisoneDose': {
      const how = role.from === 'recorded' ? ' (recorded prednisone equivalent)' : role.drugMgPerDay === undefined ? '' : ` ${role.drugMgPerDay} mg/day as prednisone`;
      return `${drugWords(role.drug)}${how}${role.ifStillTaken ? ' (if still taken)' : ''}`;
    }
    case 'intoleranceCourse': {
      // Which immunosuppressive therapy this calculation takes: any, those the record's list names, or the others.
      const immuno = role.which === 'named' ? 'an immunosuppressant (not one the investigator decides about)' : role.which === 'unnamed' ? 'an immunosuppressive therapy the investigator decides about' : 'an immunosuppressant';
      const withWhat = role.partner === 'corticosteroid' ? 'a glucocorticoid' : role.partner === 'immunosuppressant' ? immuno : `a glucocorticoid or ${immuno}`;
      const unclassed = role.partner === 'either' ? ', its class not recorded' : '';
      // (Its response not recorded: stopped, for a reason the record does not give.)
      return `${drugWords(role.drug)} (${role.responseUnknown ? 'stopped, reason not recorded' : 'intolerance'}, ${courseWords(role)}${unclassed}) together with ${withWhat} for ≥ ${role.months} months`;
    }
    case 'combinedCourse':
      return `${drugWords(role.drug)} (${courseWords(role)}) together with a glucocorticoid for ≥ ${role.months} months`;
  }
}

/** Items in a sentence: "a", "a and b", "a, b and c". */
export function andList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

/** A course's dates as recorded: "2025-06-15 to 2025-12-01", "from 2025-06-15, still taken", "? to 2025-06-01". */
function courseWords(c: { start?: string; end?: string; ongoing?: boolean }): string {
  if (c.ongoing) return c.start ? `from ${c.start}, still taken` : 'start not recorded, still taken';
  return `${c.start ?? '?'} to ${c.end ?? '?'}`;
}

/** A medication record in a calculator's fact: its drug by its label ("other": its name), else its number ("#3"). */
export function drugWords(d: DrugRef): string {
  return d.drug === 'other' && d.otherName ? d.otherName : (d.label ?? d.drug ?? `#${d.index + 1}`);
}

/** A list record by its name (`label`: the value's label from the criteria files), "Other (Tacrolimus)", or its number when it has none. */
export function recordNameWords(name: RecordName | undefined, index: number, label?: string): string {
  if (!name) return `#${index + 1}`;
  const value = label ?? name.value;
  return name.otherName === undefined ? value : `${value} (${name.otherName})`;
}

/** One record of a list in an explanation ("Methotrexate", "#2"). */
export function itemWords(d: ItemDetail): string {
  return recordNameWords(d.name, d.index, d.label);
}

/** A fact's value as reports show it: a role's outcome in words (an intolerance course), else the value itself. */
export function factData(f: Fact): Fact['value'] {
  if ('role' in f && (f.role.kind === 'intoleranceCourse' || f.role.kind === 'combinedCourse')) {
    const partners = (f.role.partners ?? []).map(drugWords);
    const named = andList(partners);
    // A course still taken cannot be intolerance ("side effects that require discontinuation").
    if (f.value === false && f.role.kind === 'intoleranceCourse' && (f.role.stillTaken || f.role.ongoing)) return 'not counted: still taken at screening (intolerance means the drug was stopped)';
    return f.value === true ? `yes, with ${named}` : f.value === null ? 'not known (data missing)' : 'no';
  }
  return f.value;
}

export function factLabel(f: Fact): string {
  return 'role' in f ? roleWords(f.role) : f.label;
}

/** The fact as reports publish it: `{ field, label, value, unit? }`, its role in words. */
export function wordedFact(f: Fact): { field: string; label: string; value: Fact['value']; unit?: string; joinedWith?: number[] } {
  return { field: f.field, label: factLabel(f), value: factData(f), ...(f.unit !== undefined ? { unit: f.unit } : {}), ...(f.joinedWith ? { joinedWith: f.joinedWith } : {}) };
}

/** A stoppedCourse's course and rule: its first and last dose when more than the record (numbered from 1), and what it needs. */
export function stoppedCourseWords(d: Record<string, unknown>): string {
  const chain = typeof d.chainStart === 'string' ? `one course ${d.chainStart} to ${String(d.chainEnd ?? '?')} (medication records ${String(d.chainRecords).split(',').map((i) => `#${Number(i) + 1}`).join(', ')} without a break)` : '';
  const days = typeof d.elapsedDays === 'number' ? `${d.elapsedDays} days from first to last dose` : '';
  const course = chain || days ? `${[chain, days].filter(Boolean).join(', ')}; ` : '';
  if (typeof d.date !== 'string') return `${course}rule: stopped, last dose ${d.op === '<' ? 'less than' : 'at least'} ${String(d.duration)} after the first`;
  return `${course}rule: stopped, first dose at least ${String(d.duration)} before the ${String(d.before)} date ${d.date} and last dose ${d.op === '<' ? 'less than' : 'at least'} ${String(d.duration)} after the first`;
}

/** A takenFor chain (records of one drug without a break between them, src/rules/taken-for.ts): from when, and which records (numbered from 1). */
export function chainWords(start: unknown, records: unknown): string {
  return `taken without a break since ${String(start)} (medication records ${String(records).split(',').map((i) => `#${Number(i) + 1}`).join(', ')} counted together)`;
}
