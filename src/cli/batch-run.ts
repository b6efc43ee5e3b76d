// The work of `screen batch`, loaded only when it runs (see commands/batch.ts): screens every row
// of a CSV or NDJSON file in one streaming pass and ends with a screen-failure summary.
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { loadCriteria } from '../criteria/load-for-cli.js';
import type { Trial } from '../criteria/load-trial.js';
import { compileTrial, screenOutcomes } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { PatientDataError, UsageError } from '../errors.js';
import { errorRow, screenedRow } from '../batch/batch-row.js';
import type { InputFormat, InputItem } from '../batch/read-rows.js';
import { SummaryCounter } from '../batch/screen-failure-summary.js';
import { batchWriter } from '../report/batch-output.js';
import { formatSummaryText } from '../report/summary-text.js';
import type { CliIo } from './io.js';
import { EXIT_ROW_ERRORS, type BatchFlags } from './commands/batch.js';
import { flagDates } from './screen-command.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';

async function pickTrials(flags: BatchFlags): Promise<{ trials: Trial[]; dictionary: import('../criteria/dictionary-model.js').Dictionary; trialIds: string[] }> {
  const ids = flags.trial ?? [];
  if (flags.all && ids.length) throw new UsageError('give either --trial or --all, not both');
  if (!flags.all && ids.length === 0) throw new UsageError('missing --trial <id> or --all (list trials with: screen trials)');
  const loaded = await loadCriteria(flags.criteriaDir, flags.all ? 'all' : ids);
  const seen = new Set<string>();
  for (const t of loaded.trials) {
    if (seen.has(t.meta.id)) throw new UsageError(`trial ${t.meta.id} is given twice`);
    seen.add(t.meta.id);
  }
  return { trials: loaded.trials, dictionary: loaded.dictionary, trialIds: loaded.trialIds };
}

function openInput(arg: string, io: CliIo): { stream: AsyncIterable<Buffer | string>; name: string } {
  if (arg === '-') return { stream: io.stdin as AsyncIterable<Buffer | string>, name: '<stdin>' };
  const path = resolve(io.cwd, arg);
  try {
    if (statSync(path).isDirectory()) throw new PatientDataError([{ location: arg, message: 'is a directory, not a patients file' }]);
  } catch (e) {
    if (e instanceof PatientDataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  }
  return { stream: createReadStream(path, { highWaterMark: 256 * 1024 }), name: arg };
}

/** The format from --input-format, the extension, or (for stdin) the first non-blank character. */
async function detectFormat(arg: string, flag: InputFormat | undefined, stream: AsyncIterable<Buffer | string>): Promise<{ format: InputFormat; stream: AsyncIterable<Buffer | string> }> {
  if (flag) return { format: flag, stream };
  const ext = extname(arg).toLowerCase();
  if (ext === '.csv') return { format: 'csv', stream };
  if (ext === '.ndjson' || ext === '.jsonl') return { format: 'ndjson', stream };
  if (ext === '.xlsx') return { format: 'xlsx', stream };
  if (ext === '.xls') throw new UsageError(`"${arg.slice(0, 80)}" is an old-style .xls workbook: save it as .xlsx (or CSV) first`);
  if (arg !== '-') throw new UsageError(`cannot tell the format of "${arg.slice(0, 80)}" from its extension: name it .csv, .xlsx or .ndjson, or give --input-format csv|xlsx|ndjson`);
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? '' : String(first.value).replace(/^\uFEFF/, '').trimStart();
  const format: InputFormat = head.startsWith('{') ? 'ndjson' : 'csv';
  async function* rest() {
    if (!first.done) yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { format, stream: rest() };
}

type Sink = { write(s: string): Promise<void>; close(): Promise<void> };

/** Buffers output into large writes and waits for the stream to drain, so memory stays flat. */
function sinkFor(flags: BatchFlags, io: CliIo): Sink {
  const target = flags.out
    ? createWriteStream(resolve(io.cwd, flags.out))
    : (io.stdout as { write(s: string): unknown; once?: (ev: string, fn: () => void) => unknown });
  let failed: Error | undefined;
  if (flags.out) (target as NodeJS.WritableStream).on('error', (e) => (failed = e));
  let buffer = '';
  const flush = async () => {
    if (failed) throw new UsageError(`cannot write ${flags.out}: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`);
    if (!buffer) return;
    const ok = target.write(buffer);
    buffer = '';
    if (ok === false && typeof target.once === 'function') await new Promise<void>((done) => target.once?.('drain', done));
  };
  return {
    async write(s) {
      buffer += s;
      if (buffer.length >= 64 * 1024) await flush();
    },
    async close() {
      await flush();
      if (flags.out) {
        const stream = target as NodeJS.WritableStream;
        await new Promise<void>((done, fail) => {
          stream.once('error', fail);
          stream.end(() => done());
        });
        if (failed) throw new UsageError(`cannot write ${flags.out}: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`);
      }
    },
  };
}

/**
 * The progress line on a terminal: rows done, and with the input's size known, the share read,
 * a percentage and the time left (`bytesRead` tells how far the file has been read).
 */
function progressReporter(io: CliIo, enabled: boolean, totalBytes: number | undefined, bytesRead: () => number) {
  if (!enabled || io.stderr.isTTY !== true) return { tick: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  let rows = 0;
  const show = () => {
    io.stderr.write(`\r\x1b[K${progressText(rows, (Date.now() - started) / 1000, totalBytes, bytesRead())}`);
  };
  return {
    tick() {
      rows += 1;
      if ((rows & 255) === 0 && Date.now() - last > 250) {
        last = Date.now();
        show();
      }
    },
    done() {
      if (rows > 0) io.stderr.write('\r\x1b[K');
    },
  };
}

/** "screening: 12,000 rows · 48% of 20 MB · 00:41 left" (time left from bytes read so far). */
export function progressText(rows: number, secs: number, totalBytes: number | undefined, readBytes: number): string {
  const rate = secs > 0 ? Math.round(rows / secs) : 0;
  const head = `screening: ${rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s`;
  if (!totalBytes || readBytes <= 0) return head;
  const share = Math.min(1, readBytes / totalBytes);
  const left = share > 0 ? secs * (1 / share - 1) : 0;
  const mm = Math.floor(left / 60);
  const ss = Math.round(left % 60);
  return `${head} · ${Math.floor(share * 100)}% of ${(totalBytes / 1e6).toFixed(totalBytes < 1e7 ? 1 : 0)} MB · ${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')} left`;
}

export async function runBatch(arg: string, flags: BatchFlags, io: CliIo): Promise<number> {
  const { trials, dictionary: dict, trialIds } = await pickTrials(flags);
  // csv-parse is loaded only for batch runs.
  const { readCsvRows, readNdjsonRows } = await import('../batch/read-rows.js');
  const dates = flagDates(flags);
  const opened = openInput(arg, io);
  const detected = await detectFormat(arg, flags.inputFormat, opened.stream);
  const inputFormat = detected.format;
  let stream = detected.stream;
  let delimiter: string | undefined;
  if (inputFormat === 'xlsx') {
    if (arg === '-') throw new UsageError('an .xlsx workbook cannot be read from standard input: give its file name');
    (opened.stream as unknown as { destroy?: () => void }).destroy?.();
    const { xlsxAsCsv } = await import('../batch/read-xlsx.js');
    stream = await xlsxAsCsv(resolve(io.cwd, arg), opened.name, flags.sheet);
    delimiter = ',';
  } else if (inputFormat === 'csv') {
    const { parseDelimiterFlag, withDetectedDelimiter } = await import('../batch/delimiter.js');
    if (flags.delimiter !== undefined) delimiter = parseDelimiterFlag(flags.delimiter);
    else ({ delimiter, stream } = await withDetectedDelimiter(stream));
  }
  if (flags.sheet !== undefined && inputFormat !== 'xlsx') throw new UsageError('--sheet is for .xlsx workbooks');
  let totalBytes: number | undefined;
  try {
    totalBytes = arg === '-' || inputFormat === 'xlsx' ? undefined : statSync(resolve(io.cwd, arg)).size;
  } catch {
    totalBytes = undefined;
  }
  const bytesRead = () => (opened.stream as unknown as { bytesRead?: number }).bytesRead ?? 0;

  const compiled = trials.map((t) => compileTrial(t, dict));
  const summary = new SummaryCounter();
  for (const t of trials) summary.addTrial(t.meta.id, t.criteria, t.meta);
  const wideColumns = flags.wide && flags.format === 'csv' ? trials.flatMap((t) => t.criteria.map((c) => ({ trial: t.meta.id, criterion: c.id }))) : undefined;
  const writer = batchWriter(flags.format, wideColumns);

  const rows: AsyncIterable<InputItem> =
    inputFormat === 'ndjson'
      ? readNdjsonRows(stream, dict)
      : readCsvRows(stream, dict, opened.name, ({ unknown }) => {
          const line = (u: { name: string; suggestion?: string }) => `unknown column "${u.name.slice(0, 80)}"${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}`;
          if (unknown.length && !flags.ignoreUnknownColumns) {
            // Before any row is screened: a misspelt column would silently leave every patient undetermined.
            throw new PatientDataError([
              ...unknown.map((u) => ({ location: `${opened.name} header`, message: `${line(u)}: not a data-dictionary path (see: screen template <trial> --format csv --describe)` })),
              { location: `${opened.name} header`, message: 'no row was screened; fix the header, or give --ignore-unknown-columns to screen without those columns' },
            ]);
          }
          for (const u of unknown) io.stderr.write(`warning: ${opened.name} header: ${line(u)}, ignored (--ignore-unknown-columns)\n`);
        }, delimiter ? { delimiter } : {});

  // The input is read (and the header checked) before the output file is created.
  const iterator = rows[Symbol.asyncIterator]();
  let next = await iterator.next();
  const sink = sinkFor(flags, io);
  const progress = progressReporter(io, flags.progress !== false, totalBytes, bytesRead);
  let errors = 0;
  // Duplicate patient ids: the first row of each id, and a warning per repeat (at most 20 lines).
  const firstRowOf = new Map<string, number>();
  let duplicates = 0;
  const checkId = (id: string | null | undefined, row: number) => {
    if (!id) return;
    const first = firstRowOf.get(id);
    if (first === undefined) {
      firstRowOf.set(id, row);
      return;
    }
    duplicates += 1;
    if (duplicates <= 20) io.stderr.write(`warning: ${opened.name} row ${row}: patient id "${id.slice(0, 60)}" also in row ${first}\n`);
  };
  try {
    await sink.write(writer.start());
    for (; !next.done; next = await iterator.next()) {
      const item = next.value;
      summary.inputRow(!item.ok);
      progress.tick();
      checkId(item.ok ? item.parsed.record.id : item.patientId, item.row);
      if (!item.ok) {
        errors += 1;
        for (const t of trials) {
          summary.error(t.meta.id);
          await sink.write(writer.row(errorRow(item.row, item.patientId, t.meta.id, item.problems, t.meta.completeness)));
        }
        continue;
      }
      const { record } = item.parsed;
      const warnings = [...item.parsed.warnings, ...reviewKeyWarnings(record, '', trials, trialIds)];
      const { dates: referenceDates } = resolveReferenceDates(record.referenceDates, dates);
      const patientId = typeof record.id === 'string' ? record.id : null;
      for (const t of compiled) {
        // Outcomes without explanations: batch writes verdicts, ids and missing fields only.
        const result = screenOutcomes(t, record, referenceDates);
        summary.screened(t.trial.meta.id, result);
        await sink.write(writer.row(screenedRow(item.row, t.trial.meta, patientId, result, warnings, flags.wide === true)));
      }
    }
    await sink.write(writer.end());
  } finally {
    progress.done();
    await sink.close();
  }
  if (duplicates > 20) io.stderr.write(`warning: ${opened.name}: ${duplicates} rows repeat a patient id seen earlier (the first 20 are listed above)\n`);
  const result = summary.result();
  io.stderr.write(formatSummaryText(result));
  if (flags.summary) {
    try {
      writeFileSync(resolve(io.cwd, flags.summary), `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`cannot write ${flags.summary}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
  }
  return errors > 0 ? EXIT_ROW_ERRORS : 0;
}
