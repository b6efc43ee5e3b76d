// "Taken for at least 3 months" in NCT04946669 I3 and I5 and NCT02347891 I4 counts across the
// records of one drug taken without a break (src/rules/taken-for.ts): a change of dose entered as
// a new record does not restart the count. The boundary table of test/sql/taken-for-chains.test.ts
// through each criterion, the methotrexate records in place of the example's (screening
// 2026-11-16: 3 months from 2026-08-16 are reached by it), each stopped record shorter than 3
// months (a stopped course counts by its own dates).
import { describe, expect, test } from 'vitest';
import { criterionEvaluator } from './helpers.js';

type Med = Record<string, unknown>;
let dose = 10;
/** A methotrexate record (failed, as the example's) with its own dose, so the reader joins none: `stop` a date, 'ongoing', or undefined (not recorded). */
const mtx = (start: string | undefined, stop: string | undefined, extra: Med = {}): Med => {
  dose += 2.5;
  return { drug: 'methotrexate', outcome: 'failure', ...(start ? { start, doses: [{ date: start, dose, unit: 'mg/week' }] } : {}), ...(stop === 'ongoing' ? { ongoing: true } : stop ? { stop } : {}), ...extra };
};

/** [name, the records, taken for 3 months: met / not met / unknown]. */
const CHAINS: [string, Med[], 'met' | 'not_met' | 'unknown'][] = [
  ['the next record starts on the last dose day', [mtx('2026-07-15', '2026-09-30'), mtx('2026-09-30', 'ongoing')], 'met'],
  ['the next record starts the day after the last dose', [mtx('2026-07-15', '2026-09-30'), mtx('2026-10-01', 'ongoing')], 'met'],
  ['1 day without between the records', [mtx('2026-07-15', '2026-09-30'), mtx('2026-10-02', 'ongoing')], 'not_met'],
  ['2 days without between the records', [mtx('2026-07-15', '2026-09-30'), mtx('2026-10-03', 'ongoing')], 'not_met'],
  ['overlapping records, 15 then 20 mg (3 months only together)', [mtx('2026-08-01', '2026-10-05'), mtx('2026-10-01', 'ongoing')], 'met'],
  ['overlapping records, the chain from the day after the boundary', [mtx('2026-08-17', '2026-10-05'), mtx('2026-10-01', 'ongoing')], 'not_met'],
  ['a record inside a still-taken one started on the boundary', [mtx('2026-08-16', 'ongoing'), mtx('2026-10-01', '2026-10-20')], 'met'],
  ['3 records, each shorter than 3 months, without a break', [mtx('2026-06-01', '2026-06-30'), mtx('2026-07-01', '2026-08-31'), mtx('2026-09-01', 'ongoing')], 'met'],
  ['3 records, a day without before the last', [mtx('2026-06-01', '2026-06-30'), mtx('2026-07-01', '2026-08-20'), mtx('2026-08-22', 'ongoing')], 'not_met'],
  ['the earlier record\'s stop not recorded', [mtx('2026-07-15', undefined), mtx('2026-10-01', 'ongoing')], 'unknown'],
  ['the earlier record\'s start not recorded', [mtx(undefined, '2026-09-30'), mtx('2026-10-01', 'ongoing')], 'unknown'],
  ['methotrexate, then azathioprine the next day: never chained', [mtx('2026-07-15', '2026-09-30'), mtx('2026-10-01', 'ongoing', { drug: 'azathioprine' })], 'not_met'],
];

/** What each criterion gives when the drug has, has not, or may have been taken for 3 months. */
const CRITERIA: [trial: string, example: string, id: string, outcomes: Record<'met' | 'not_met' | 'unknown', string>, patch?: (p: any) => void][] = [
  // The glucocorticoid and the immunosuppressant both still taken, started 3 months before: combined.
  ['NCT04946669', 'nct04946669-eligible.json', 'I3', { met: 'met', not_met: 'not_met', unknown: 'unknown' }],
  // The current dose (20 mg from the last record) is not 3 months old: an earlier stable dose is asked.
  ['NCT04946669', 'nct04946669-eligible.json', 'I5', { met: 'needs_review', not_met: 'not_met', unknown: 'unknown' }],
  // (The prednisone taken since 2025 responded, so it does not meet I4 by itself.)
  ['NCT02347891', 'nct02347891-eligible-reviewed.json', 'I4', { met: 'met', not_met: 'not_met', unknown: 'unknown' }, (p) => void (p.medications[0].outcome = 'response')],
];

/** Each row of `table` in place of the example's methotrexate, through each criterion. */
function throughCriteria(title: string, table: typeof CHAINS): void {
  describe.each(CRITERIA)(`${title}%s %s %s`, (trial, example, id, outcomes, patch) => {
    const check = criterionEvaluator(trial, example);
    test.each(table)('%s', (_name, meds, taken) => {
      expect(check(id, (p) => void (patch?.(p), p.medications.splice(1, 1, ...structuredClone(meds)))).outcome).toBe(outcomes[taken]);
    });
  });
}
throughCriteria('', CHAINS);

// A stopped course counts by the chain of its records too (src/rules/stopped-course.ts): the first
// dose of the first record to the last dose of the last, 3 months at least (the infusion-course
// review only when the whole chain is shorter). Methotrexate only (the example's record 1
// replaced), all stopped, screening 2026-11-16.
/** [name, the records, stopped after 3 months: met / not met / unknown]. */
const STOPPED: [string, Med[], 'met' | 'not_met' | 'unknown'][] = [
  ['two overlapping stopped records, 3.5 months together', [mtx('2026-01-01', '2026-03-01'), mtx('2026-02-15', '2026-04-15')], 'met'],
  ['the chain exactly 3 months', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-16', '2026-04-01')], 'met'],
  ['the chain a day short of 3 months', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-16', '2026-03-31')], 'not_met'],
  ['1 day without between the records', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-17', '2026-04-15')], 'not_met'],
  ['2 days without between the records', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-18', '2026-04-15')], 'not_met'],
  ['the middle record\'s stop not recorded', [mtx('2026-01-01', '2026-01-31'), mtx('2026-02-01', undefined), mtx('2026-03-01', '2026-04-15')], 'unknown'],
];

// (The same outcomes: I5 asks about a stopped course's stable dose, I5-earlier-stable-dose.)
throughCriteria('stopped: ', STOPPED);

// The infusion-course review (I4-infusion-course) asks about a course whose last dose came less than
// 3 months after its first: the whole chain's, so two overlapping rituximab records of 3.5 months
// together meet I4 by their dates and are not asked about.
const rtx = (start: string, stop: string): Med => ({ drug: 'rituximab', outcome: 'failure', start, stop, doses: [{ date: start, dose: (dose += 100), unit: 'mg' }] });
const INFUSIONS: [string, Med[], string][] = [
  ['two overlapping rituximab records, 3.5 months together', [rtx('2026-01-01', '2026-03-01'), rtx('2026-02-15', '2026-04-15')], 'met'],
  ['one rituximab course of 2 months', [rtx('2026-01-01', '2026-03-01')], 'needs_review'],
  ['two rituximab records with a day without between, each shorter', [rtx('2026-01-01', '2026-02-15'), rtx('2026-02-17', '2026-04-15')], 'needs_review'],
];
describe('NCT02347891 I4, infusion courses', () => {
  const check = criterionEvaluator('NCT02347891', 'nct02347891-eligible-reviewed.json');
  test.each(INFUSIONS)('%s', (_name, meds, outcome) => {
    expect(check('I4', (p) => void ((p.medications[0].outcome = 'response'), p.medications.splice(1, 1, ...structuredClone(meds)))).outcome).toBe(outcome);
  });
});
