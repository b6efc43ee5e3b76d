// Batch output formats (csv, ndjson, json), written one row at a time so output streams. The
// format registry (formats.ts) names them and loads this module only for `screen batch`.
import { csvLine } from './csv-cell.js';
import type { RowFormatter } from './formats.js';

/** Several ids in one CSV cell. */
const LIST = ';';

const CSV_COLUMNS = ['row', 'patientId', 'trial', 'verdict', 'encoding', 'failed', 'unknown', 'review', 'missing', 'warnings', 'errors'];

export const csvRows: RowFormatter = ({ wideColumns }) => {
  const wide = wideColumns ?? [];
  return {
    start: () => csvLine([...CSV_COLUMNS, ...wide.map((w) => `${w.trial}:${w.criterion}`)]),
    row: (r) =>
      csvLine([
        r.row,
        r.patientId,
        r.trial,
        r.verdict,
        r.encoding,
        r.failed.join(LIST),
        r.unknown.join(LIST),
        r.review.join(LIST),
        r.missing.join(LIST),
        r.warnings.join(' | '),
        r.errors.join(' | '),
        ...wide.map((w) => (w.trial === r.trial ? ((r.outcomes && Object.hasOwn(r.outcomes, w.criterion) ? r.outcomes[w.criterion] : undefined) ?? '') : '')),
      ]),
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
