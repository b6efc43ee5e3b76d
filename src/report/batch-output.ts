// Batch output formats (csv, ndjson, json), written one row at a time so output streams.
import type { BatchRow } from '../batch/batch-row.js';
import { csvLine } from './csv-cell.js';

export const BATCH_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** Several ids in one CSV cell. */
const LIST = ';';

export type BatchWriter = { start(): string; row(r: BatchRow): string; end(): string };

/** `wideColumns`: "<trial>:<criterion id>" for each criterion of each trial (CSV --wide). */
export function batchWriter(format: BatchFormat, wideColumns?: { trial: string; criterion: string }[]): BatchWriter {
  switch (format) {
    case 'csv': {
      const base = ['row', 'patientId', 'trial', 'verdict', 'encoding', 'failed', 'unknown', 'review', 'missing', 'warnings', 'errors'];
      const wide = wideColumns ?? [];
      return {
        start: () => csvLine([...base, ...wide.map((w) => `${w.trial}:${w.criterion}`)]),
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
    }
    case 'ndjson':
      return { start: () => '', row: (r) => `${JSON.stringify(r)}\n`, end: () => '' };
    case 'json': {
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
    }
  }
}
