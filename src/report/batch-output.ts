// Batch output formats (csv, ndjson, json), written one row at a time so output streams. The
// format registry (formats.ts) names them and loads this module only for `screen batch`.
import { CSV_EOL, CSV_SEPARATOR as SEP, csvCell, csvLine } from './csv-cell.js';
import type { BatchRow } from '../batch/batch-row.js';
import type { RowFormatter } from './formats.js';

/** Several ids in one CSV cell. */
const LIST = ';';
/** Several warnings or errors in one CSV cell. */
const WARNINGS = ' | ';

const CSV_COLUMNS = ['row', 'patientId', 'trial', 'verdict', 'encoding', 'failed', 'unknown', 'review', 'missing', 'warnings', 'errors'];

export const csvRows: RowFormatter = ({ wideColumns }) => {
  const wide = wideColumns ?? [];
  // The row's cells after its number and patient id, in CSV_COLUMNS order then the wide columns.
  const rest = (r: BatchRow) => [
    r.trial,
    r.verdict,
    r.encoding,
    r.failed.join(LIST),
    r.unknown.join(LIST),
    r.review.join(LIST),
    r.missing.join(LIST),
    r.warnings.join(WARNINGS),
    r.errors.join(WARNINGS),
    ...wide.map((w) => (w.trial === r.trial ? ((r.outcomes && Object.hasOwn(r.outcomes, w.criterion) ? r.outcomes[w.criterion] : undefined) ?? '') : '')),
  ];
  // (In `rest`, which starts after the row number and patient id.)
  const WARNINGS_AT = CSV_COLUMNS.indexOf('warnings') - 2;
  return {
    start: () => csvLine([...CSV_COLUMNS, ...wide.map((w) => `${w.trial}:${w.criterion}`)]),
    row: (r) => csvLine([r.row, r.patientId, ...rest(r)]),
    template(r) {
      const cells = rest(r).map(csvCell);
      const before = cells.slice(0, WARNINGS_AT).join(SEP);
      const after = cells.slice(WARNINGS_AT + 1).join(SEP);
      // csvLine's line, its separator and end as there.
      return (row, patientId, warnings) => `${csvCell(row)}${SEP}${csvCell(patientId)}${SEP}${before}${SEP}${csvCell(warnings.join(WARNINGS))}${SEP}${after}${CSV_EOL}`;
    },
    end: () => '',
  };
};

export const ndjsonRows: RowFormatter = () => ({ start: () => '', row: (r) => `${JSON.stringify(r)}\n`, end: () => '' });

export const jsonRows: RowFormatter = () => {
  let first = true;
  return {
    start: () => '[',
    row: (r) => {
      const s = `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
      first = false;
      return s;
    },
    end: () => (first ? ']\n' : '\n]\n'),
  };
};
